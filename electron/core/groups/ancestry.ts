// Which operations of a log precede which: one bitset of ancestors per operation, numbered in arrival order.

/**
 * Operations are numbered as they are accepted, parents first, so an ancestor always has the smaller number and an
 * operation's bitset needs only as many bits as operations came before it: n²/16 bytes for n operations
 * (6.25 MB at the log's cap of 10,000), made once per operation, never per fold.
 */
export class Ancestry {
  readonly #ancestors: Uint32Array[] = [];

  get size(): number {
    return this.#ancestors.length;
  }

  /** Numbers a new operation after `parents` (numbers already given) and returns its number. */
  add(parents: readonly number[]): number {
    const index = this.#ancestors.length;
    const bits = new Uint32Array((index + 31) >>> 5);
    for (const parent of parents) {
      const of = this.#ancestors[parent]!;
      for (let word = 0; word < of.length; word++) bits[word]! |= of[word]!;
      bits[parent >>> 5]! |= 1 << (parent & 31);
    }
    this.#ancestors.push(bits);
    return index;
  }

  /** Forgets the last operation numbered (one refused after a trial). */
  pop(): void {
    this.#ancestors.pop();
  }

  /** True if `a` is an ancestor of `b` (`a` reachable from `b` through parents), `a` ≠ `b`. */
  precedes(a: number, b: number): boolean {
    return a < b && ((this.#ancestors[b]![a >>> 5]! >>> (a & 31)) & 1) === 1;
  }

  /** Neither is an ancestor of the other. */
  concurrent(a: number, b: number): boolean {
    return a !== b && !this.precedes(a, b) && !this.precedes(b, a);
  }

  /** The numbers of `parents` and all their ancestors, ascending. */
  closure(parents: readonly number[]): number[] {
    if (parents.length === 0) return [];
    const top = Math.max(...parents);
    const bits = new Uint32Array((top + 32) >>> 5);
    for (const parent of parents) {
      const of = this.#ancestors[parent]!;
      for (let word = 0; word < of.length; word++) bits[word]! |= of[word]!;
      bits[parent >>> 5]! |= 1 << (parent & 31);
    }
    const members: number[] = [];
    for (let index = 0; index <= top; index++) if (((bits[index >>> 5]! >>> (index & 31)) & 1) === 1) members.push(index);
    return members;
  }
}
