// One authenticated stream to a peer: sends and receives application frames, keeps itself alive, closes cleanly.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { assertNever } from '../../shared/assert-never.js';
import type { OnionAddress } from '../identity/index.js';
import {
  encodeFrame,
  isApplicationFrame,
  ProtocolError,
  UnexpectedFrameError,
  type ApplicationFrame,
  type CloseReason,
  type Frame,
  type FrameDecoder,
} from '../protocol/index.js';
import { LinkClosedError, SendBufferFullError } from './errors.js';
import type { AuthenticatedStream } from './handshake-driver.js';

export interface PeerLinkOptions {
  /** How often to send Ping; also keeps Tor from dropping an idle circuit. */
  readonly keepaliveIntervalMs?: number;
  /** How long after a Ping to wait for any frame before the link counts as dead. */
  readonly keepaliveTimeoutMs?: number;
  /** Most bytes queued for a slow reader before send() refuses. */
  readonly maxQueuedBytes?: number;
}

export type LinkDirection = 'inbound' | 'outbound';

/** Why a link closed. */
export type LinkCloseCause =
  | { readonly kind: 'local'; readonly reason: CloseReason }
  | { readonly kind: 'remote'; readonly reason: CloseReason }
  | { readonly kind: 'protocol-error'; readonly error: ProtocolError }
  | { readonly kind: 'keepalive-timeout' }
  | { readonly kind: 'connection-lost'; readonly error?: Error };

export interface PeerLinkEvents {
  /** An application frame from the peer (handshake, keepalive and Close frames are handled here). */
  frame: [ApplicationFrame];
  /** The send queue emptied after send() returned false. */
  drain: [];
  /** Emitted once; no frame event follows. */
  close: [LinkCloseCause];
}

export const DEFAULT_KEEPALIVE_INTERVAL_MS = 60_000;
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_QUEUED_BYTES = 1_048_576;
/** How long a closing link waits for the peer to finish before destroying the stream. */
const CLOSE_GRACE_MS = 2_000;
/** Every Pong fills the smallest bucket. */
const PONG_BYTES = encodeFrame({ type: 'pong', n: 0 }).length;

/**
 * A link to an authenticated peer. Frames that arrived with the end of the handshake are delivered on the next
 * turn of the event loop, so attach listeners in the same turn you receive the link.
 */
export class PeerLink extends EventEmitter<PeerLinkEvents> {
  readonly peer: OnionAddress;
  readonly local: OnionAddress;
  readonly direction: LinkDirection;
  readonly version: number;
  readonly #socket: Socket;
  readonly #decoder: FrameDecoder;
  readonly #keepaliveTimeoutMs: number;
  readonly #maxQueuedBytes: number;
  readonly #keepalive: NodeJS.Timeout;
  #deadTimer: NodeJS.Timeout | undefined;
  #pingCounter = 0;
  #open = true;

  constructor(stream: AuthenticatedStream, local: OnionAddress, direction: LinkDirection, options: PeerLinkOptions = {}) {
    super();
    this.peer = stream.peer;
    this.local = local;
    this.direction = direction;
    this.version = stream.version;
    this.#socket = stream.socket;
    this.#decoder = stream.decoder;
    this.#keepaliveTimeoutMs = options.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS;
    this.#maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.#keepalive = setInterval(() => this.#ping(), options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS).unref();
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('end', () => this.#onEnd());
    this.#socket.on('error', (error) => this.#finish({ kind: 'connection-lost', error }));
    this.#socket.on('close', () => this.#finish({ kind: 'connection-lost' }));
    this.#socket.on('drain', () => this.emit('drain'));
    const pending = stream.pending;
    setImmediate(() => {
      for (const frame of pending) if (this.#open) this.#onFrame(frame);
      // The stream may have died while it changed hands, before our 'close' listener was there.
      if (this.#socket.destroyed) this.#finish({ kind: 'connection-lost' });
      if (this.#open) this.#socket.resume();
    });
  }

  /** The address of the side that dialed this link. */
  get dialer(): OnionAddress {
    return this.direction === 'outbound' ? this.local : this.peer;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Bytes queued for the peer and not yet handed to the OS. */
  get queuedBytes(): number {
    return this.#socket.writableLength;
  }

  /**
   * Queues a frame. Returns false when the queue is above its high-water mark (wait for 'drain' before sending
   * much more). Throws LinkClosedError on a closed link, SendBufferFullError when the peer reads too slowly,
   * InvalidFrameError for a frame that breaks its schema.
   */
  send(frame: ApplicationFrame): boolean {
    if (!this.#open) throw new LinkClosedError(this.peer);
    const bytes = encodeFrame(frame);
    if (this.#socket.writableLength + bytes.length > this.#maxQueuedBytes) throw new SendBufferFullError(this.peer, this.#socket.writableLength);
    return this.#socket.write(bytes);
  }

  /** Tells the peer why, then closes. Idempotent. */
  close(reason: CloseReason = 'shutdown'): void {
    if (!this.#open) return;
    this.#write({ type: 'close', reason });
    this.#finish({ kind: 'local', reason });
  }

  #ping(): void {
    this.#pingCounter = (this.#pingCounter + 1) % 0x1_0000_0000;
    this.#write({ type: 'ping', n: this.#pingCounter });
    this.#deadTimer ??= setTimeout(() => this.#finish({ kind: 'keepalive-timeout' }), this.#keepaliveTimeoutMs).unref();
  }

  #onData(chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#failProtocol(error);
      return;
    }
    for (const frame of frames) {
      if (!this.#open) return;
      this.#onFrame(frame);
    }
  }

  #onFrame(frame: Frame): void {
    // Any frame proves the peer alive, not only Pong: a busy link needs no extra round trips.
    clearTimeout(this.#deadTimer);
    this.#deadTimer = undefined;
    if (isApplicationFrame(frame)) {
      this.emit('frame', frame);
      return;
    }
    switch (frame.type) {
      case 'ping':
        // A peer that sends Pings and never reads would otherwise grow our queue without bound; skipping the Pong
        // costs nothing, since the frames already queued reach the peer first and prove us alive.
        if (this.#socket.writableLength + PONG_BYTES <= this.#maxQueuedBytes) this.#write({ type: 'pong', n: frame.n });
        return;
      case 'pong':
        return;
      case 'close':
        this.#finish({ kind: 'remote', reason: frame.reason });
        return;
      case 'hello':
      case 'auth':
      case 'auth-ok':
      case 'auth-fail':
        this.#failProtocol(new UnexpectedFrameError(frame.type, 'the link is established'));
        return;
      default:
        assertNever(frame);
    }
  }

  #onEnd(): void {
    if (!this.#open) return;
    try {
      this.#decoder.end();
      this.#finish({ kind: 'connection-lost' });
    } catch (error) {
      if (error instanceof ProtocolError) this.#failProtocol(error);
      else throw error;
    }
  }

  #failProtocol(error: ProtocolError): void {
    if (!this.#open) return;
    this.#write({ type: 'close', reason: 'protocol-error' });
    this.#finish({ kind: 'protocol-error', error });
  }

  #write(frame: Frame): void {
    if (this.#socket.writable) this.#socket.write(encodeFrame(frame));
  }

  #finish(cause: LinkCloseCause): void {
    if (!this.#open) return;
    this.#open = false;
    clearInterval(this.#keepalive);
    clearTimeout(this.#deadTimer);
    if (cause.kind === 'connection-lost' || cause.kind === 'keepalive-timeout') {
      this.#socket.destroy();
    } else {
      this.#socket.end();
      setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS).unref();
    }
    this.emit('close', cause);
  }
}
