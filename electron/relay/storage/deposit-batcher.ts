// Group commit: deposits that arrive together are written in one transaction, so one disk sync answers them all.
import type { RelayRefusal } from '../errors.js';
import type { DepositOutcome, DepositRequest, RelayStore } from './relay-store.js';

interface Pending {
  readonly request: DepositRequest;
  readonly resolve: (outcome: DepositOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/** Collects deposits during one turn of the event loop and commits them together right after. */
export class DepositBatcher {
  #pending: Pending[] = [];
  #scheduled = false;

  constructor(private readonly store: RelayStore) {}

  /** Resolves once the deposit is committed and synced; rejects with its refusal. */
  submit(request: DepositRequest): Promise<DepositOutcome> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ request, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      // After the poll phase: every request whose body arrived in this turn joins the batch.
      setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    const batch = this.#pending;
    this.#pending = [];
    this.#scheduled = false;
    let outcomes: (DepositOutcome | RelayRefusal)[];
    try {
      outcomes = this.store.depositMany(batch.map((p) => p.request));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome !== undefined && 'stored' in outcome) p.resolve(outcome);
      else p.reject(outcome);
    });
  }
}
