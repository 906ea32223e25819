// Deposits and fetches in the last minute, for the operator's status page: counts only, nothing per queue.

const SLOTS = 60;

/** Counts events per second over a sliding minute. */
export class MinuteCounter {
  readonly #slots = new Array<number>(SLOTS).fill(0);
  #second = 0;
  #total = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Events since the relay started. */
  get total(): number {
    return this.#total;
  }

  add(): void {
    this.#total += 1;
    this.#advance();
    const slot = this.#second % SLOTS;
    this.#slots[slot] = (this.#slots[slot] ?? 0) + 1;
  }

  perMinute(): number {
    this.#advance();
    return this.#slots.reduce((sum, n) => sum + n, 0);
  }

  #advance(): void {
    const second = Math.floor(this.now() / 1_000);
    if (second - this.#second >= SLOTS) this.#slots.fill(0);
    else for (let s = this.#second + 1; s <= second; s += 1) this.#slots[s % SLOTS] = 0;
    this.#second = Math.max(this.#second, second);
  }
}

export interface RelayActivity {
  readonly deposits: MinuteCounter;
  readonly fetches: MinuteCounter;
}
