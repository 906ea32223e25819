// Big-endian length-prefixed byte encoding shared by the bundle, prekey-message and identity-record formats.

/** Writes fields one after another; `bytes()` gives the whole encoding. */
export class ByteWriter {
  readonly #parts: Uint8Array[] = [];

  u8(value: number): this {
    this.#parts.push(Uint8Array.of(value));
    return this;
  }

  u32(value: number): this {
    const field = new Uint8Array(4);
    new DataView(field.buffer).setUint32(0, value);
    this.#parts.push(field);
    return this;
  }

  /** A field of at most 65,535 bytes, preceded by its u16 length. */
  sized(value: Uint8Array): this {
    if (value.length > 0xffff) throw new RangeError(`A sized field holds at most 65535 bytes; got ${value.length}`);
    const length = new Uint8Array(2);
    new DataView(length.buffer).setUint16(0, value.length);
    this.#parts.push(length, value);
    return this;
  }

  raw(value: Uint8Array): this {
    this.#parts.push(value);
    return this;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.#parts.reduce((total, part) => total + part.length, 0));
    let offset = 0;
    for (const part of this.#parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

/** Reads fields in order; running past the end calls `truncated()`, whose error the caller chooses. */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #truncated: () => Error;
  #offset = 0;

  constructor(bytes: Uint8Array, truncated: () => Error) {
    this.#bytes = bytes;
    this.#truncated = truncated;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  u8(): number {
    return this.#take(1)[0] ?? 0;
  }

  u32(): number {
    const field = this.#take(4);
    return new DataView(field.buffer, field.byteOffset, 4).getUint32(0);
  }

  /** A field written by {@link ByteWriter.sized}; `maxLength` bounds what hostile input may claim. */
  sized(maxLength: number, tooLong: (length: number) => Error): Uint8Array<ArrayBuffer> {
    const header = this.#take(2);
    const length = new DataView(header.buffer, header.byteOffset, 2).getUint16(0);
    if (length > maxLength) throw tooLong(length);
    return this.#take(length);
  }

  raw(length: number): Uint8Array<ArrayBuffer> {
    return this.#take(length);
  }

  /** Everything not read yet. */
  rest(): Uint8Array<ArrayBuffer> {
    return this.#take(this.remaining);
  }

  #take(length: number): Uint8Array<ArrayBuffer> {
    if (length > this.remaining) throw this.#truncated();
    const field = Uint8Array.from(this.#bytes.subarray(this.#offset, this.#offset + length));
    this.#offset += length;
    return field;
  }
}
