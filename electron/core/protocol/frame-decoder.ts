// Incremental sans-io frame decoder: feed it stream chunks, get whole frames; buffers at most one frame.
import { FrameTooLargeError, MalformedFrameError, TruncatedFrameError } from './errors.js';
import { decodePayload, LENGTH_PREFIX_BYTES, MAX_PAYLOAD_BYTES, PAYLOAD_BUCKETS } from './frame-codec.js';
import type { Frame } from './frames.js';

export interface FrameDecoderOptions {
  /** Largest payload accepted; smaller during a handshake so unauthenticated peers cannot make us buffer much. */
  readonly maxPayloadBytes?: number;
}

/**
 * Splits a byte stream into frames. After it throws, the stream is unusable: every later call throws the same error,
 * since the frame boundaries are lost.
 */
export class FrameDecoder {
  readonly maxPayloadBytes: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #failure: Error | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxPayloadBytes = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
  }

  /** Bytes received but not yet part of a whole frame. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /**
   * The frames completed by `chunk`, in order. Throws a ProtocolError subclass for bad input; frames completed
   * earlier in the same chunk are then dropped with the stream, which the link closes.
   */
  push(chunk: Uint8Array): Frame[] {
    if (this.#failure !== undefined) throw this.#failure;
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    const frames: Frame[] = [];
    try {
      for (;;) {
        const frame = this.#next();
        if (frame === undefined) return frames;
        frames.push(frame);
      }
    } catch (error) {
      this.#failure = error as Error;
      this.#chunks = [];
      this.#buffered = 0;
      throw error;
    }
  }

  /** Declares the end of the stream; throws TruncatedFrameError if it stopped inside a frame. */
  end(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#buffered > 0) {
      this.#failure = new TruncatedFrameError(this.#buffered);
      throw this.#failure;
    }
  }

  #next(): Frame | undefined {
    if (this.#buffered < LENGTH_PREFIX_BYTES) return undefined;
    const prefix = this.#peek(LENGTH_PREFIX_BYTES);
    const length = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength).getUint32(0);
    // Checked on the prefix alone, so an oversized or bogus announcement never makes us wait for or buffer its bytes.
    if (length > this.maxPayloadBytes) throw new FrameTooLargeError(length, this.maxPayloadBytes);
    if (!PAYLOAD_BUCKETS.includes(length)) {
      throw new MalformedFrameError(`A payload of ${String(length)} bytes is not one of the sizes ${PAYLOAD_BUCKETS.join(', ')}.`);
    }
    if (this.#buffered < LENGTH_PREFIX_BYTES + length) return undefined;
    const frameBytes = this.#take(LENGTH_PREFIX_BYTES + length);
    return decodePayload(frameBytes.subarray(LENGTH_PREFIX_BYTES));
  }

  #peek(count: number): Uint8Array {
    const first = this.#chunks[0];
    if (first !== undefined && first.length >= count) return first.subarray(0, count);
    return this.#concat().subarray(0, count);
  }

  #take(count: number): Uint8Array {
    const whole = this.#concat();
    const taken = whole.slice(0, count);
    const rest = whole.subarray(count);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return taken;
  }

  #concat(): Uint8Array {
    if (this.#chunks.length === 1 && this.#chunks[0] !== undefined) return this.#chunks[0];
    const whole = new Uint8Array(this.#buffered);
    let offset = 0;
    for (const chunk of this.#chunks) {
      whole.set(chunk, offset);
      offset += chunk.length;
    }
    this.#chunks = [whole];
    return whole;
  }
}
