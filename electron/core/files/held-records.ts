// Which records of a file a receiver holds: one bit per record, and the first one still missing.

export class HeldRecords {
  readonly #bits: Uint8Array;
  #held = 0;
  /** Every record below this index is held: the scan for the first missing one starts here. */
  #contiguous = 0;

  /** `bits` from a saved record must have exactly one bit per record and no bit set past the last. */
  constructor(
    readonly total: number,
    bits?: Uint8Array,
  ) {
    const length = Math.ceil(total / 8);
    if (bits !== undefined && bits.length !== length) throw new RangeError(`${String(bits.length)} bytes of bits for ${String(total)} records`);
    this.#bits = bits === undefined ? new Uint8Array(length) : Uint8Array.from(bits);
    for (let index = total; index < length * 8; index++) if (this.has(index)) throw new RangeError(`a bit is set for record ${String(index)}, past the last`);
    for (let index = 0; index < total; index++) if (this.has(index)) this.#held++;
    this.#advance();
  }

  get count(): number {
    return this.#held;
  }

  /** The first record not held, or undefined when all are. */
  get firstMissing(): number | undefined {
    return this.#contiguous < this.total ? this.#contiguous : undefined;
  }

  has(index: number): boolean {
    return ((this.#bits[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
  }

  /** Marks a record held; false when it already was. */
  add(index: number): boolean {
    if (this.has(index)) return false;
    this.#bits[index >> 3]! |= 1 << (index & 7);
    this.#held++;
    this.#advance();
    return true;
  }

  /** Indices above the highest held one are past the end of the data written so far. */
  get highest(): number | undefined {
    for (let index = this.total - 1; index >= 0; index--) if (this.has(index)) return index;
    return undefined;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.#bits);
  }

  #advance(): void {
    while (this.#contiguous < this.total && this.has(this.#contiguous)) this.#contiguous++;
  }
}
