// Slows down repeated wrong passwords per profile, in memory only, so a wrong password changes nothing on disk.
import { TooManyAttemptsError, WrongPasswordError } from './errors.js';

export interface UnlockThrottleOptions {
  /** Wrong attempts allowed without waiting (typos happen). */
  freeAttempts: number;
  /** Wait imposed after the first failure beyond the free ones; doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_UNLOCK_THROTTLE: UnlockThrottleOptions = { freeAttempts: 2, baseDelayMs: 1000, maxDelayMs: 60_000 };

interface Failures {
  count: number;
  lastAt: number;
}

export class UnlockThrottle {
  private readonly failures = new Map<string, Failures>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly options: UnlockThrottleOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** How long before the next attempt on this profile is allowed, in milliseconds. */
  delayFor(profileId: string): number {
    const failures = this.failures.get(profileId);
    if (!failures || failures.count < this.options.freeAttempts) return 0;
    const exponent = failures.count - this.options.freeAttempts;
    const delay = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** exponent);
    return Math.max(0, failures.lastAt + delay - this.now());
  }

  /**
   * Runs one attempt, or refuses it with TooManyAttemptsError (saying how long to wait) while the
   * delay earned by earlier failures runs. Attempts on one profile never overlap.
   */
  attempt<T>(profileId: string, tryPassword: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(profileId) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const delay = this.delayFor(profileId);
        if (delay > 0) throw new TooManyAttemptsError(delay);
        try {
          const result = await tryPassword();
          this.failures.delete(profileId);
          return result;
        } catch (error) {
          if (error instanceof WrongPasswordError) {
            const count = (this.failures.get(profileId)?.count ?? 0) + 1;
            this.failures.set(profileId, { count, lastAt: this.now() });
          }
          throw error;
        }
      });
    this.queues.set(profileId, run);
    return run;
  }
}
