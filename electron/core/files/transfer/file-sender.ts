// The sending side: files offered to peers, served on the file streams those peers open, records pipelined under the socket's backpressure.
import { EventEmitter } from 'node:events';
import type { OnionAddress } from '../../identity/index.js';
import type { AuthenticatedStream } from '../../link/index.js';
import { RECORD_PLAINTEXT_BYTES, recordCount } from '../file-records.js';
import { FileSourceChangedError, TransferInterruptedError, TransferProtocolError } from './errors.js';
import { openRecordReader, type FileSource, type RecordReader } from './file-source.js';
import { DEFAULT_IDLE_TIMEOUT_MS, TransferChannel, endError, type ChannelEnd } from './transfer-channel.js';
import type { CancelReason, TransferFrame } from './transfer-frames.js';

/** How far a transfer has come, in plaintext bytes: drives a progress bar. */
export interface TransferProgress {
  readonly peer: OnionAddress;
  readonly fileId: string;
  readonly bytes: number;
  readonly total: number;
}

export interface FileSenderEvents {
  /** A receiver asked for `fileId` from record `from` (0 for a fresh start, more for a resume). */
  serving: [{ readonly peer: OnionAddress; readonly fileId: string; readonly from: number }];
  /** After every record handed to the stream; `bytes` counts what the receiver already held too. */
  progress: [TransferProgress];
  /** The receiver checked the whole file against its hash; the offer is forgotten. */
  delivered: [{ readonly peer: OnionAddress; readonly fileId: string }];
  /** The receiver cancelled; the offer is forgotten. */
  cancelled: [{ readonly peer: OnionAddress; readonly fileId: string; readonly reason: CancelReason }];
  /** A serving ended early: interrupted (the receiver resumes later), a changed source, or a peer breaking the protocol. */
  failed: [{ readonly peer: OnionAddress; readonly fileId: string | undefined; readonly error: Error }];
}

export interface FileSenderOptions {
  /** How long a stream may stay silent (no frame in, no bytes taken) before it counts as dead. */
  readonly idleTimeoutMs?: number;
  /** How long a new stream may take to ask for a file (its Want) before it is closed. */
  readonly wantTimeoutMs?: number;
  /** Streams one peer may hold open before asking for a file; one more is closed at once. */
  readonly maxWaitingStreamsPerPeer?: number;
}

/** An honest receiver sends its Want right after the handshake: one circuit round trip. */
export const DEFAULT_WANT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_WAITING_STREAMS_PER_PEER = 4;

/** How the receiver answered once records were flowing. */
type Verdict = { readonly kind: 'verified' } | { readonly kind: 'cancel'; readonly reason: CancelReason } | { readonly kind: 'error'; readonly error: Error };

interface Session {
  readonly channel: TransferChannel;
  localCancel: boolean;
  verdict: Verdict | undefined;
}

const offerKey = (peer: OnionAddress, fileId: string): string => `${peer}\n${fileId}`;

/** Plaintext bytes in records [0, records). */
function bytesThrough(size: number, records: number): number {
  return Math.min(size, records * RECORD_PLAINTEXT_BYTES);
}

export class FileSender extends EventEmitter<FileSenderEvents> {
  readonly #offers = new Map<string, FileSource>();
  readonly #sessions = new Map<string, Session>();
  readonly #idleTimeoutMs: number;
  readonly #wantTimeoutMs: number;
  readonly #maxWaiting: number;
  /** Streams per peer that have not asked for a file yet. */
  readonly #waiting = new Map<string, number>();

  constructor(options: FileSenderOptions = {}) {
    super();
    this.#idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.#wantTimeoutMs = options.wantTimeoutMs ?? DEFAULT_WANT_TIMEOUT_MS;
    this.#maxWaiting = options.maxWaitingStreamsPerPeer ?? DEFAULT_MAX_WAITING_STREAMS_PER_PEER;
  }

  /** Lets `peer` fetch `source` (after the offer went out, and again after a restart for offers not yet delivered). */
  offer(peer: OnionAddress, source: FileSource): void {
    this.#offers.set(offerKey(peer, source.fileId), source);
  }

  /** Whether `peer` may fetch `fileId`. */
  isOffered(peer: OnionAddress, fileId: string): boolean {
    return this.#offers.has(offerKey(peer, fileId));
  }

  /** Stops offering `fileId` to `peer`; a transfer under way is told why and ends. */
  cancel(peer: OnionAddress, fileId: string, reason: CancelReason = 'cancelled'): void {
    const key = offerKey(peer, fileId);
    this.#offers.delete(key);
    const session = this.#sessions.get(key);
    if (session === undefined) return;
    session.localCancel = true;
    session.channel.close({ type: 'cancel', reason });
  }

  /** Ends every transfer under way (they resume when the receivers come back); the offers stay. */
  close(): void {
    for (const session of this.#sessions.values()) session.channel.close();
  }

  /**
   * Serves one file stream the onion listener handed over ('file-stream'): reads the receiver's Want, sends the
   * records it lacks back to back, then Done, and waits for its verdict. Never rejects; outcomes are events.
   */
  async serve(stream: AuthenticatedStream): Promise<void> {
    // A contact could otherwise open streams that never ask for anything, each held for the idle timeout.
    const waiting = this.#waiting.get(stream.peer) ?? 0;
    if (waiting >= this.#maxWaiting) {
      stream.socket.destroy();
      this.emit('failed', { peer: stream.peer, fileId: undefined, error: new TransferProtocolError(`more than ${String(this.#maxWaiting)} file streams open without asking for a file`) });
      return;
    }
    this.#waiting.set(stream.peer, waiting + 1);
    const channel = new TransferChannel(stream, this.#idleTimeoutMs);
    const session: Session = { channel, localCancel: false, verdict: undefined };
    const ended = new Promise<ChannelEnd>((resolve) => channel.once('end', resolve));
    // One listener from the start: a frame that comes in the same chunk as the Want is judged, not lost.
    const want = new Promise<TransferFrame>((resolve) => {
      let first = true;
      channel.on('frame', (frame) => {
        if (first) {
          first = false;
          resolve(frame);
        } else if (session.verdict === undefined) {
          session.verdict = verdictOf(frame);
          channel.close();
        }
      });
    });
    const deadline = setTimeout(() => channel.close(), this.#wantTimeoutMs).unref();
    const first = await Promise.race([want, ended]);
    clearTimeout(deadline);
    const left = (this.#waiting.get(stream.peer) ?? 1) - 1;
    if (left > 0) this.#waiting.set(stream.peer, left);
    else this.#waiting.delete(stream.peer);
    if ('kind' in first) {
      this.emit('failed', { peer: channel.peer, fileId: undefined, error: endError(first) });
      return;
    }
    if (first.type !== 'want') {
      channel.close({ type: 'cancel', reason: 'failed' });
      this.emit('failed', { peer: channel.peer, fileId: undefined, error: new TransferProtocolError(`a '${first.type}' frame came before Want`) });
      return;
    }
    const key = offerKey(channel.peer, first.fileId);
    const source = this.#offers.get(key);
    if (source === undefined) {
      channel.close({ type: 'cancel', reason: 'unknown-file' });
      return;
    }
    if (first.from > recordCount(source.size)) {
      channel.close({ type: 'cancel', reason: 'failed' });
      this.emit('failed', { peer: channel.peer, fileId: source.fileId, error: new TransferProtocolError(`Want asks from record ${String(first.from)} of ${String(recordCount(source.size))}`) });
      return;
    }
    // A receiver that reconnects while its old stream still looks alive gets the new one; the old one is dropped.
    this.#sessions.get(key)?.channel.close();
    this.#sessions.set(key, session);
    try {
      await this.#run(session, source, first.from, ended);
    } finally {
      if (this.#sessions.get(key) === session) this.#sessions.delete(key);
    }
  }

  async #run(session: Session, source: FileSource, from: number, ended: Promise<ChannelEnd>): Promise<void> {
    const { channel } = session;
    const peer = channel.peer;
    const fileId = source.fileId;
    let reader: RecordReader;
    try {
      reader = await openRecordReader(source);
    } catch (error) {
      channel.close({ type: 'cancel', reason: error instanceof FileSourceChangedError ? 'source-changed' : 'failed' });
      this.emit('failed', { peer, fileId, error: error as Error });
      return;
    }
    this.emit('serving', { peer, fileId, from });
    const count = recordCount(source.size);
    try {
      for (let index = from; index < count && channel.isOpen; index++) {
        await channel.send({ type: 'record', index, sealed: await reader.read(index) });
        this.emit('progress', { peer, fileId, bytes: bytesThrough(source.size, index + 1), total: source.size });
      }
      if (channel.isOpen) await channel.send({ type: 'done' });
    } catch (error) {
      if (!(error instanceof TransferInterruptedError)) {
        channel.close({ type: 'cancel', reason: error instanceof FileSourceChangedError ? 'source-changed' : 'failed' });
        session.verdict ??= { kind: 'error', error: error as Error };
      }
    } finally {
      await reader.close();
    }
    const end = await ended;
    const verdict = session.verdict;
    if (session.localCancel) return;
    const key = offerKey(peer, fileId);
    if (verdict?.kind === 'verified') {
      this.#offers.delete(key);
      this.emit('delivered', { peer, fileId });
    } else if (verdict?.kind === 'cancel') {
      this.#offers.delete(key);
      this.emit('cancelled', { peer, fileId, reason: verdict.reason });
    } else {
      this.emit('failed', { peer, fileId, error: verdict?.error ?? endError(end) });
    }
  }
}

function verdictOf(frame: TransferFrame): Verdict {
  if (frame.type === 'verified') return { kind: 'verified' };
  if (frame.type === 'cancel') return { kind: 'cancel', reason: frame.reason };
  return { kind: 'error', error: new TransferProtocolError(`a '${frame.type}' frame arrived while the file was being sent`) };
}
