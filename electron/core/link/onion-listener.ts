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
  readonly handshakeTimeoutMs?: number;
  /** Connections still in their handshake; further ones are closed at once. */
  readonly maxPendingHandshakes?: number;
  /** New connections allowed per second over all callers, with a burst; the rest are closed at once. */
  readonly handshakeRate?: { readonly perSecond: number; readonly burst: number };
  readonly link?: PeerLinkOptions;
  readonly randomBytes?: RandomBytes;
}

/** A connection the listener turned away, for the log. `caller` is set only when the caller proved its address. */
export type RejectedConnection =
  | { readonly reason: 'rate-limited' | 'too-many-pending' }
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

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_PENDING_HANDSHAKES = 32;
export const DEFAULT_HANDSHAKE_RATE = { perSecond: 20, burst: 40 } as const;
/** An Auth frame fits the smallest buckets; a stranger cannot make us buffer more than this per connection. */
const HANDSHAKE_MAX_PAYLOAD_BYTES = 1_024;

/** The unix-socket target where the OS has unix sockets tor can forward to, else loopback TCP. */
export function defaultListenEndpoint(socketPath: string): ListenEndpoint {
  return process.platform === 'win32' ? { kind: 'tcp', port: 0 } : { kind: 'unix', path: socketPath };
}

export class OnionListener extends EventEmitter<OnionListenerEvents> {
  readonly #options: OnionListenerOptions;
  readonly #pending = new Set<Socket>();
  readonly #rate: TokenBucket;
  #server: Server | undefined;
  #closed = false;

  constructor(options: OnionListenerOptions) {
    super();
    this.#options = options;
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
    for (const socket of this.#pending) socket.destroy();
    this.#pending.clear();
    if (this.#server?.listening === true) this.#server.close();
  }

  #accept(socket: Socket): void {
    // Checked before any work, so a flood costs us an accept and a close per connection, nothing more.
    const maxPending = this.#options.maxPendingHandshakes ?? DEFAULT_MAX_PENDING_HANDSHAKES;
    if (this.#closed || this.#pending.size >= maxPending) {
      socket.destroy();
      this.emit('rejected', { reason: 'too-many-pending' });
      return;
    }
    if (!this.#rate.take()) {
      socket.destroy();
      this.emit('rejected', { reason: 'rate-limited' });
      return;
    }
    this.#pending.add(socket);
    socket.once('close', () => this.#pending.delete(socket));
    const options = this.#options;
    const timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    const start = startCalleeHandshake({
      localAddress: options.localAddress,
      isBlocked: (caller, purpose) => options.isBlocked(caller) || (purpose === 'file' && options.acceptsFileStream?.(caller) !== true),
      randomBytes: options.randomBytes ?? cryptoRandomBytes,
      now: performance.now(),
      timeoutMs,
    });
    driveHandshake(socket, { start, receive: calleeReceive, tick: calleeTick }, {
      timeoutMs,
      decoder: new FrameDecoder({ maxPayloadBytes: HANDSHAKE_MAX_PAYLOAD_BYTES }),
      refuseEarlyFrames: true,
      now: () => performance.now(),
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
        if (error instanceof ProtocolError || error instanceof HandshakeConnectionError) {
          const caller = error instanceof CallerBlockedError ? error.caller : undefined;
          this.emit('rejected', { reason: 'handshake-failed', error, ...(caller === undefined ? {} : { caller }) });
        } else {
          throw error;
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
