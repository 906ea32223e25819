// Runs async tasks one at a time per key: libsignal reads a session, awaits, then writes it back, so two interleaved
// operations on one peer would both advance from the same ratchet state and one of them would be lost.

export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every task queued earlier for `key` has settled, whatever their outcome. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    // Forget an idle key so the map does not grow with every peer ever seen.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Keys with a task queued or running: for tests and diagnostics. */
  get activeKeys(): number {
    return this.#tails.size;
  }
}
