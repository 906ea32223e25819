// Incremental sans-io decoder of a file stream: feed it chunks, get whole frames; buffers at most one frame, refuses oversize ones on their header.
import { TransferProtocolError } from './errors.js';
import { decodeTransferFrame, LENGTH_BYTES, maxFrameBytes, type TransferFrame } from './transfer-frames.js';

/** After it throws, every later call throws the same error: the frame boundaries are lost with the stream. */
export class TransferDecoder {
  #chunks: Buffer[] = [];
  #buffered = 0;
  #failure: TransferProtocolError | undefined;

  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** The frames completed by `chunk`. Throws TransferProtocolError for bytes that are not frames. */
  push(chunk: Buffer): TransferFrame[] {
    if (this.#failure !== undefined) throw this.#failure;
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    const frames: TransferFrame[] = [];
    try {
      for (let frame = this.#next(); frame !== undefined; frame = this.#next()) frames.push(frame);
      return frames;
    } catch (error) {
      if (!(error instanceof TransferProtocolError)) throw error;
      this.#failure = error;
      this.#chunks = [];
      this.#buffered = 0;
      throw error;
    }
  }

  /** Declares the end of the stream; throws if it stopped inside a frame. */
  end(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#buffered > 0) throw (this.#failure = new TransferProtocolError(`the stream ended inside a frame, ${String(this.#buffered)} bytes in`));
  }

  #next(): TransferFrame | undefined {
    if (this.#buffered < LENGTH_BYTES + 1) return undefined;
    // The header from the first chunk when it holds one: a record arriving in many chunks is joined once, not per chunk.
    const first = this.#chunks[0];
    const head = first !== undefined && first.length > LENGTH_BYTES ? first : this.#concat();
    const length = head.readUInt32BE(0);
    const typeCode = head[LENGTH_BYTES] ?? 0;
    const max = maxFrameBytes(typeCode);
    // Judged on the header alone, so a bogus length never makes us wait for or buffer its bytes.
    if (max === undefined) throw new TransferProtocolError(`unknown frame type ${String(typeCode)}`);
    if (length < 1 || length > max) throw new TransferProtocolError(`a frame of type ${String(typeCode)} cannot be ${String(length)} bytes (at most ${String(max)})`);
    if (this.#buffered < LENGTH_BYTES + length) return undefined;
    const whole = this.#concat();
    const frame = decodeTransferFrame(whole.subarray(LENGTH_BYTES, LENGTH_BYTES + length));
    const rest = whole.subarray(LENGTH_BYTES + length);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return frame;
  }

  #concat(): Buffer {
    if (this.#chunks.length !== 1) this.#chunks = [Buffer.concat(this.#chunks, this.#buffered)];
    return this.#chunks[0] as Buffer;
  }
}
