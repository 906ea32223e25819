// The server tor forwards our onion's streams to: authenticates each caller, bounds strangers, hands out PeerLinks.
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { lstat, unlink } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { OnionAddress } from '../identity/index.js';
import {
  calleeReceive,
  calleeTick,
  CallerBlockedError,
  FrameDecoder,
  ProtocolError,
  startCalleeHandshake,
  type RandomBytes,
} from '../protocol/index.js';
import type { OnionTarget } from '../tor/index.js';
import { HandshakeConnectionError, LinkStateError } from './errors.js';
import { driveHandshake, type AuthenticatedStream } from './handshake-driver.js';
import { PeerLink, type PeerLinkOptions } from './peer-link.js';
import { TokenBucket } from './token-bucket.js';

/** Where the listener accepts streams: a unix socket where the OS has them, else a loopback TCP port (0 = any free). */
export type ListenEndpoint = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp'; readonly port: number };

export interface OnionListenerOptions {
  readonly localAddress: OnionAddress;
  readonly endpoint: ListenEndpoint;
  /** Callers refused at the handshake, once they have proved who they are. */
  readonly isBlocked: (caller: OnionAddress) => boolean;
  /**
   * Who may open a file stream (the core's contacts). Asked after the proof, like isBlocked; without it every file
   * stream is refused with AuthFail 'blocked'.
   */
  readonly acceptsFileStream?: (caller: OnionAddress) => boolean;
  /**
   * How long a caller has to prove who it is (our Hello until its Auth): one round trip for an honest caller. Until
   * then nothing tells a contact from a stranger, so this deadline is short; after the Auth the listener is done.
   */
  readonly handshakeTimeoutMs?: number;
  /** Connections still in their handshake; past it, the oldest stale one makes room, or a new one is closed at once. */
  readonly maxPendingHandshakes?: number;
  /**
   * A handshake pending this long may be dropped to make room when every slot is taken: an honest caller answers our
   * Hello within a round trip, so idle streams (one circuit holding many) give way to new callers.
   */
  readonly staleHandshakeMs?: number;
  /** The clock for deadlines and staleness, in ms (tests). */
  readonly now?: () => number;
  /** New connections allowed per second over all callers, with a burst; the rest are closed at once. */
  readonly handshakeRate?: { readonly perSecond: number; readonly burst: number };
  readonly link?: PeerLinkOptions;
  readonly randomBytes?: RandomBytes;
}

/** A connection the listener turned away, for the log. `caller` is set only when the caller proved its address. */
export type RejectedConnection =
  /** `stale-handshake`: one still silent after staleHandshakeMs, dropped to make room for a new caller. */
  | { readonly reason: 'rate-limited' | 'too-many-pending' | 'stale-handshake' }
  | { readonly reason: 'handshake-failed'; readonly error: ProtocolError | HandshakeConnectionError; readonly caller?: OnionAddress };

export interface OnionListenerEvents {
  link: [PeerLink];
  /**
   * An authenticated file stream from a caller acceptsFileStream admitted, paused, for file transfer to serve. It
   * never becomes a PeerLink, so the link manager and its duplicate rule never see it.
   */
  'file-stream': [AuthenticatedStream];
  rejected: [RejectedConnection];
}

/** How long a dialer waits for the whole handshake (tor's circuit building included). */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
/** How long the listener waits for a caller's Auth after its Hello went out. */
export const DEFAULT_PRE_AUTH_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_PENDING_HANDSHAKES = 32;
export const DEFAULT_STALE_HANDSHAKE_MS = 3_000;
/**
 * Streams one rendezvous circuit may hold open at once (ADD_ONION MaxStreams, the circuit closed beyond it): a
 * contact's link, a duplicate while links are resolved, and its file streams fit; a circuit of idle streams does not.
 */
export const MAX_STREAMS_PER_CIRCUIT = 8;
export const DEFAULT_HANDSHAKE_RATE = { perSecond: 20, burst: 40 } as const;
/** An Auth frame fits the smallest buckets; a stranger cannot make us buffer more than this per connection. */
const HANDSHAKE_MAX_PAYLOAD_BYTES = 1_024;

/** The unix-socket target where the OS has unix sockets tor can forward to, else loopback TCP. */
export function defaultListenEndpoint(socketPath: string): ListenEndpoint {
  return process.platform === 'win32' ? { kind: 'tcp', port: 0 } : { kind: 'unix', path: socketPath };
}

export class OnionListener extends EventEmitter<OnionListenerEvents> {
  readonly #options: OnionListenerOptions;
  /** Sockets in their handshake, oldest first, with the time each arrived. */
  readonly #pending = new Map<Socket, number>();
  readonly #now: () => number;
  /** Handshakes dropped as stale: their failure is reported as that, not as a closed stream. */
  readonly #dropped = new WeakSet<Socket>();
  readonly #rate: TokenBucket;
  #server: Server | undefined;
  #closed = false;

  constructor(options: OnionListenerOptions) {
    super();
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    const rate = options.handshakeRate ?? DEFAULT_HANDSHAKE_RATE;
    this.#rate = new TokenBucket({ perSecond: rate.perSecond, burst: rate.burst });
  }

  /** Connections in their handshake right now. */
  get pendingHandshakes(): number {
    return this.#pending.size;
  }

  /** Starts accepting; resolves with the target to give tor's onion service (the chosen port for TCP). */
  async listen(): Promise<OnionTarget> {
    if (this.#server !== undefined || this.#closed) throw new LinkStateError('The onion listener was already started.');
    const endpoint = this.#options.endpoint;
    if (endpoint.kind === 'unix') await removeStaleSocket(endpoint.path);
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const listening = (): void => {
        server.off('error', reject);
        // Later errors are failed accepts (e.g. EMFILE); the server keeps listening, and an unheard 'error' would crash the core.
        server.on('error', ignoreAcceptError);
        resolve();
      };
      if (endpoint.kind === 'unix') server.listen(endpoint.path, listening);
      else server.listen(endpoint.port, '127.0.0.1', listening);
    });
    if (endpoint.kind === 'unix') return { kind: 'unix', path: endpoint.path };
    return { kind: 'tcp', port: (server.address() as AddressInfo).port };
  }

  /**
   * Stops accepting and drops handshakes in progress. Established links stay with whoever holds them, so this does
   * not wait for their streams to end (net.Server's close callback would). Idempotent.
   */
  close(): void {
    this.#closed = true;
    for (const socket of this.#pending.keys()) socket.destroy();
    this.#pending.clear();
    if (this.#server?.listening === true) this.#server.close();
  }

  /** Drops the oldest handshake if it has been silent past staleHandshakeMs; false if none is that old. */
  #dropStale(): boolean {
    const oldest = this.#pending.entries().next();
    if (oldest.done === true) return false;
    const [socket, since] = oldest.value;
    if (this.#now() - since < (this.#options.staleHandshakeMs ?? DEFAULT_STALE_HANDSHAKE_MS)) return false;
    this.#pending.delete(socket);
    this.#dropped.add(socket);
    socket.destroy();
    return true;
  }

  #accept(socket: Socket): void {
    // Checked before any work, so a flood costs us an accept and a close per connection, nothing more.
    const maxPending = this.#options.maxPendingHandshakes ?? DEFAULT_MAX_PENDING_HANDSHAKES;
    if (this.#closed || (this.#pending.size >= maxPending && !this.#dropStale())) {
      socket.destroy();
      this.emit('rejected', { reason: 'too-many-pending' });
      return;
    }
    if (!this.#rate.take()) {
      socket.destroy();
      this.emit('rejected', { reason: 'rate-limited' });
      return;
    }
    this.#pending.set(socket, this.#now());
    socket.once('close', () => this.#pending.delete(socket));
    const options = this.#options;
    const timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_PRE_AUTH_TIMEOUT_MS;
    const start = startCalleeHandshake({
      localAddress: options.localAddress,
      isBlocked: (caller, purpose) => options.isBlocked(caller) || (purpose === 'file' && options.acceptsFileStream?.(caller) !== true),
      randomBytes: options.randomBytes ?? cryptoRandomBytes,
      now: this.#now(),
      timeoutMs,
    });
    driveHandshake(socket, { start, receive: calleeReceive, tick: calleeTick }, {
      timeoutMs,
      decoder: new FrameDecoder({ maxPayloadBytes: HANDSHAKE_MAX_PAYLOAD_BYTES }),
      refuseEarlyFrames: true,
      now: this.#now,
    }).then(
      (stream) => {
        this.#pending.delete(socket);
        if (stream.purpose === 'file') {
          if (this.#closed) socket.destroy();
          else this.emit('file-stream', stream);
          return;
        }
        // Past the handshake the peer is known, so it may send full-size frames.
        const link = new PeerLink({ ...stream, decoder: new FrameDecoder() }, options.localAddress, 'inbound', options.link);
        if (this.#closed) link.close('shutdown');
        else this.emit('link', link);
      },
      (error: unknown) => {
        this.#pending.delete(socket);
        if (this.#dropped.has(socket)) {
          this.emit('rejected', { reason: 'stale-handshake' });
        } else {
          // The driver fails with these two; anything else is still a refused connection, never an unhandled rejection.
          const failure = error instanceof ProtocolError || error instanceof HandshakeConnectionError ? error : new HandshakeConnectionError('The handshake failed.', { cause: error });
          const caller = failure instanceof CallerBlockedError ? failure.caller : undefined;
          this.emit('rejected', { reason: 'handshake-failed', error: failure, ...(caller === undefined ? {} : { caller }) });
        }
      },
    );
  }
}

/** A socket file left by a crashed run would make listen() fail with EADDRINUSE; anything else there is not ours to delete. */
async function removeStaleSocket(path: string): Promise<void> {
  try {
    const stat = await lstat(path);
    if (stat.isSocket()) await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function ignoreAcceptError(): void {
  // Nothing to undo: the connection that failed to be accepted never reached us.
}
