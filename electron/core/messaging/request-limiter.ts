// Rate limits for contact requests from strangers: per address, overall, and a cap on pending requests.

export interface RequestLimits {
  /** Requests one address may make per window. */
  readonly perAddress: number;
  /** Requests from everyone together per window. */
  readonly overall: number;
  readonly windowMs: number;
  /** Pending (undecided) requests kept at most; more are refused until the user decides some. */
  readonly maxPending: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { perAddress: 3, overall: 30, windowMs: 60 * 60_000, maxPending: 200 };

export type RequestVerdict = 'accept' | 'rate-limited-address' | 'rate-limited-overall' | 'inbox-full';

/** Sliding-window counters; memory is bounded because old stamps are dropped and addresses with none are forgotten. */
export class RequestLimiter {
  readonly #limits: RequestLimits;
  readonly #byAddress = new Map<string, number[]>();
  #overall: number[] = [];

  constructor(limits: RequestLimits = DEFAULT_REQUEST_LIMITS) {
    this.#limits = limits;
  }

  /** Decides on one incoming request and, when accepted, counts it. */
  admit(address: string, pendingCount: number, now = Date.now()): RequestVerdict {
    this.#prune(now);
    if (pendingCount >= this.#limits.maxPending) return 'inbox-full';
    const mine = this.#byAddress.get(address) ?? [];
    if (mine.length >= this.#limits.perAddress) return 'rate-limited-address';
    if (this.#overall.length >= this.#limits.overall) return 'rate-limited-overall';
    mine.push(now);
    this.#byAddress.set(address, mine);
    this.#overall.push(now);
    return 'accept';
  }

  #prune(now: number): void {
    const cutoff = now - this.#limits.windowMs;
    this.#overall = this.#overall.filter((t) => t > cutoff);
    for (const [address, stamps] of this.#byAddress) {
      const kept = stamps.filter((t) => t > cutoff);
      if (kept.length === 0) this.#byAddress.delete(address);
      else this.#byAddress.set(address, kept);
    }
  }
}
