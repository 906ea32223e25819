// One chain of work per peer, so frames and commands for a contact never interleave.

export class PeerChains {
  readonly #chains = new Map<string, Promise<unknown>>();
  readonly #waiting = new Map<string, number>();
  readonly #log: (line: string) => void;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  /** Runs work after everything queued before it for this peer, whether that succeeded or failed; a failure is logged. */
  run<T>(peer: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#chains.get(peer) ?? Promise.resolve();
    this.#waiting.set(peer, this.waiting(peer) + 1);
    const counted = async (): Promise<T> => {
      const left = this.waiting(peer) - 1;
      if (left > 0) this.#waiting.set(peer, left);
      else this.#waiting.delete(peer);
      return work();
    };
    const next = previous.then(counted, counted);
    // This handler on `next` also means a caller may drop the returned promise (`void chains.run(…)`) safely.
    const settled = next.catch((error: unknown) => this.#log(`work for ${peer} failed: ${error instanceof Error ? error.message : String(error)}`));
    this.#chains.set(peer, settled);
    void settled.then(() => {
      if (this.#chains.get(peer) === settled) this.#chains.delete(peer);
    });
    return next;
  }

  /** Tasks queued for the peer and not yet started. */
  waiting(peer: string): number {
    return this.#waiting.get(peer) ?? 0;
  }
}
