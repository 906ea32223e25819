// One authenticated file stream as frames: decodes what arrives, writes with the socket's backpressure, ends once with a cause.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { AuthenticatedStream } from '../../link/index.js';
import type { OnionAddress } from '../../identity/index.js';
import { TransferInterruptedError, TransferProtocolError } from './errors.js';
import { TransferDecoder } from './transfer-decoder.js';
import { encodeTransferFrame, type TransferFrame } from './transfer-frames.js';

/** Long enough for a slow circuit to deliver a record, short enough that a dead stream is noticed. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
/** How long a closing stream waits for the peer to read our last frames before it is destroyed. */
const CLOSE_GRACE_MS = 2_000;

/** Why a channel ended: we closed it, the stream ended or failed, it went quiet, or the peer sent garbage. */
export type ChannelEnd =
  | { readonly kind: 'closed' }
  | { readonly kind: 'lost'; readonly error?: Error }
  | { readonly kind: 'idle' }
  | { readonly kind: 'protocol-error'; readonly error: TransferProtocolError };

export interface TransferChannelEvents {
  frame: [TransferFrame];
  /** Emitted once; no frame follows. */
  end: [ChannelEnd];
}

export class TransferChannel extends EventEmitter<TransferChannelEvents> {
  readonly peer: OnionAddress;
  readonly #socket: Socket;
  readonly #decoder = new TransferDecoder();
  #idle: NodeJS.Timeout;
  #open = true;

  /** Takes over a paused stream; its first frames arrive from the next turn of the event loop. */
  constructor(stream: AuthenticatedStream, idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS) {
    super();
    this.peer = stream.peer;
    this.#socket = stream.socket;
    this.#idle = setTimeout(() => this.#finish({ kind: 'idle' }), idleTimeoutMs).unref();
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('end', () => this.#onEnd());
    this.#socket.on('error', (error) => this.#finish({ kind: 'lost', error }));
    this.#socket.on('close', () => this.#finish({ kind: 'lost' }));
    // Nothing may follow AuthOk before the receiver's Want, so anything the handshake decoder holds is a broken peer.
    const early = stream.pending.length > 0 || stream.decoder.bufferedBytes > 0;
    setImmediate(() => {
      if (early) this.#fail(new TransferProtocolError('frames arrived before the transfer began'));
      else if (this.#socket.destroyed) this.#finish({ kind: 'lost' });
      else if (this.#open) this.#socket.resume();
    });
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /**
   * Writes a frame; resolves once the socket can take more (at once, or on 'drain'), so a loop of sends never
   * buffers more than about one frame. Rejects with TransferInterruptedError when the stream ends first.
   */
  send(frame: TransferFrame): Promise<void> {
    if (!this.#open) return Promise.reject(new TransferInterruptedError('the stream is closed'));
    // The peer taking our bytes proves the stream alive as much as its frames do: a receiver says nothing while records flow.
    this.#idle.refresh();
    if (this.#socket.write(encodeTransferFrame(frame))) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onDrain = (): void => {
        this.off('end', onEnd);
        this.#idle.refresh();
        resolve();
      };
      const onEnd = (): void => {
        this.#socket.off('drain', onDrain);
        reject(new TransferInterruptedError('the stream closed while frames were queued'));
      };
      this.#socket.once('drain', onDrain);
      this.once('end', onEnd);
    });
  }

  /** Stops reading until resume(): the receiver's disk sets the pace, not the network. */
  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    if (this.#open) this.#socket.resume();
  }

  /** Sends `last` if given, ends the stream gracefully; idempotent. */
  close(last?: TransferFrame): void {
    if (!this.#open) return;
    if (last !== undefined && this.#socket.writable) this.#socket.write(encodeTransferFrame(last));
    this.#finish({ kind: 'closed' });
  }

  #onData(chunk: Buffer): void {
    if (!this.#open) return;
    this.#idle.refresh();
    let frames: TransferFrame[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (error) {
      if (!(error instanceof TransferProtocolError)) throw error;
      this.#fail(error);
      return;
    }
    for (const frame of frames) {
      if (!this.#open) return;
      this.emit('frame', frame);
    }
  }

  #onEnd(): void {
    if (!this.#open) return;
    try {
      this.#decoder.end();
      this.#finish({ kind: 'lost' });
    } catch (error) {
      if (!(error instanceof TransferProtocolError)) throw error;
      this.#fail(error);
    }
  }

  #fail(error: TransferProtocolError): void {
    this.#finish({ kind: 'protocol-error', error });
  }

  #finish(end: ChannelEnd): void {
    if (!this.#open) return;
    this.#open = false;
    clearTimeout(this.#idle);
    if (end.kind === 'closed') {
      this.#socket.end();
      setTimeout(() => this.#socket.destroy(), CLOSE_GRACE_MS).unref();
    } else {
      this.#socket.destroy();
    }
    // A late error on a socket we gave up must not crash the core.
    this.#socket.on('error', () => undefined);
    this.emit('end', end);
  }
}

/** The error a channel's end stands for, when it ended before the transfer did. */
export function endError(end: ChannelEnd): Error {
  switch (end.kind) {
    case 'protocol-error':
      return end.error;
    case 'idle':
      return new TransferInterruptedError('the stream went quiet');
    case 'lost':
      return new TransferInterruptedError('the stream was lost', end.error === undefined ? undefined : { cause: end.error });
    case 'closed':
      return new TransferInterruptedError('the stream was closed');
  }
}
