// A token bucket: allows bursts up to its size and a steady rate after, with an injected clock.

export interface TokenBucketOptions {
  readonly perSecond: number;
  readonly burst: number;
  readonly now?: () => number;
}

export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor(options: TokenBucketOptions) {
    this.#perMs = options.perSecond / 1_000;
    this.#burst = options.burst;
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = options.burst;
    this.#updatedAt = this.#now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#perMs);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
