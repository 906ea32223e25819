// Commits every write requested in one turn of the event loop in one transaction: a message and its state change together.
import type { Database } from './profile-database.js';

/** A write: runs inside the transaction; what it returns runs once that transaction is durable. */
export type Write = () => (() => void) | void;

interface Pending {
  write: Write;
  resolve: () => void;
  reject: (error: Error) => void;
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

export class WriteBatch {
  private pending: Pending[] = [];
  private flushed: Promise<void> | undefined;

  constructor(private readonly db: Database) {}

  /**
   * Queues a write; it is committed, with every other write queued in the same turn, in one transaction. A write that
   * throws is rolled back alone (a savepoint each) and its promise rejects; the others commit. Resolves once durable.
   */
  run(write: Write): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
      this.flushed ??= Promise.resolve().then(() => this.flush());
    });
  }

  /** Settles once every write queued so far has been committed or refused. */
  async idle(): Promise<void> {
    while (this.flushed) await this.flushed;
  }

  private flush(): void {
    this.flushed = undefined;
    const batch = this.pending.splice(0);
    const outcomes: ({ after: (() => void) | void } | { error: Error })[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const { write } of batch) {
        this.db.exec('SAVEPOINT batch_write');
        try {
          outcomes.push({ after: write() });
          this.db.exec('RELEASE batch_write');
        } catch (error) {
          this.db.exec('ROLLBACK TO batch_write');
          this.db.exec('RELEASE batch_write');
          outcomes.push({ error: asError(error) });
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of the batch is durable.
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // No transaction was left open.
      }
      for (const { reject } of batch) reject(asError(error));
      return;
    }
    batch.forEach(({ resolve, reject }, i) => {
      const outcome = outcomes[i]!;
      if ('error' in outcome) reject(outcome.error);
      else {
        outcome.after?.();
        resolve();
      }
    });
  }
}
