// Fetches waiting for a deposit: woken when their queue gets one, bounded per queue and in all.
import { RelayRefusal } from '../errors.js';

export class LongPollWaiters {
  readonly #waiting = new Map<string, Set<() => void>>();
  #total = 0;

  constructor(
    private readonly perQueue: number,
    private readonly total: number,
  ) {}

  /** Resolves after a deposit to the queue, after `ms`, or when `aborted` fires, whichever comes first. */
  wait(queueId: string, ms: number, aborted: AbortSignal): Promise<void> {
    const set = this.#waiting.get(queueId) ?? new Set();
    if (set.size >= this.perQueue) throw new RelayRefusal('too-many-waiting', `At most ${String(this.perQueue)} fetches may wait on one queue at a time.`, 5);
    if (this.#total >= this.total) throw new RelayRefusal('too-many-waiting', 'The relay has too many fetches waiting; try again shortly.', 5);
    this.#waiting.set(queueId, set);
    this.#total += 1;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        aborted.removeEventListener('abort', done);
        if (set.delete(done)) this.#total -= 1;
        if (set.size === 0 && this.#waiting.get(queueId) === set) this.#waiting.delete(queueId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      aborted.addEventListener('abort', done);
      set.add(done);
    });
  }

  /** Wakes every fetch waiting on the queue. */
  notify(queueId: string): void {
    for (const wake of [...(this.#waiting.get(queueId) ?? [])]) wake();
  }

  /** Wakes everyone, for shutdown. */
  wakeAll(): void {
    for (const set of [...this.#waiting.values()]) for (const wake of [...set]) wake();
  }
}
