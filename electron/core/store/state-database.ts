// The state in the profile's database: one row per entry of the document, so a change writes only the entries it changed.
import { CorruptFileError, InvalidDocumentError, MissingFileError, ProfileLockedError, UnsupportedFormatError } from './errors.js';
import { STATE_VERSION, migrateState } from './migrations/index.js';
import type { Database } from './sqlite/profile-database.js';
import type { StateData } from './state-schema.js';
import { type Entries, type JsonObject, assemble, changedEntries, flatten, validateChanges } from './state-entries.js';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

type EntryRow = {
  path: string;
  value: string;
};

/** Writes the state of a brand-new profile (creation, import, migration) into an empty database, in the caller's transaction. */
export function writeInitialState(db: Database, data: StateData): void {
  const insert = db.prepare('INSERT INTO state_entries (path, value) VALUES (?, ?)');
  for (const [path, value] of flatten(migrateState(data), [], new Map())) insert.run([path, value]);
}

export class StateDatabase {
  private waiters: Waiter[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly db: Database,
    /** The database file, named in errors. */
    private readonly path: string,
    /** The live document; changes to it become durable with the next write(). */
    public data: StateData,
    /** The document as durable on disk. */
    private committed: Entries,
  ) {}

  /**
   * Reads every entry and rebuilds the document. No entries is MissingFileError, never an invitation to start empty
   * (contacts and keys would be lost); entries that do not make a valid document are CorruptFileError.
   */
  static open(db: Database, path: string): StateDatabase {
    const rows = db.prepare('SELECT path, value FROM state_entries').all<EntryRow>();
    if (rows.length === 0) throw new MissingFileError(path);
    let raw: JsonObject;
    let data: StateData;
    try {
      raw = assemble(rows.map((row) => [row.path, row.value]));
      data = migrateState(raw);
    } catch (error) {
      if (error instanceof UnsupportedFormatError) throw new UnsupportedFormatError(path, error.version);
      throw new CorruptFileError(path, `the state entries do not make a valid state: ${String(error).slice(0, 200)}`, undefined, { cause: error });
    }
    const state = new StateDatabase(db, path, data, flatten(raw, [], new Map()));
    // An older document (a newer Allium's migration ran in memory): store it in the current format at once.
    if (raw.formatVersion !== STATE_VERSION) state.commit();
    return state;
  }

  /**
   * Makes the live document durable: the entries that changed, in one transaction. A change its schema rejects is
   * refused (InvalidDocumentError) and nothing is written. Writes requested while one is pending are coalesced into
   * one transaction; each promise settles once its data is durable.
   */
  write(): Promise<void> {
    if (this.closed) return Promise.reject(new ProfileLockedError());
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Puts the live document back to what is durable (after a refused write). */
  reload(): void {
    this.data = migrateState(assemble([...this.committed]));
  }

  /** Settles once every write requested so far is on disk. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Finishes pending writes; later ones are refused. The caller closes the database. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async drain(): Promise<void> {
    // Yield first: writes requested in the same turn share one transaction, and `draining` is set before this ends.
    await Promise.resolve();
    while (this.waiters.length > 0) {
      const batch = this.waiters.splice(0);
      try {
        this.commit();
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    this.draining = undefined;
  }

  private commit(): void {
    const doc = this.data as unknown as JsonObject;
    const entries = flatten(doc, [], new Map());
    const { set, removed } = changedEntries(this.committed, entries);
    if (set.length + removed.length === 0) return;
    // What cannot be read back must not reach the disk: each changed entry is checked against its part of the schema.
    try {
      validateChanges(doc, set, removed);
    } catch (cause) {
      throw new InvalidDocumentError(this.path, { cause });
    }
    const upsert = this.db.prepare('INSERT INTO state_entries (path, value) VALUES (?, ?) ON CONFLICT(path) DO UPDATE SET value = excluded.value');
    const remove = this.db.prepare('DELETE FROM state_entries WHERE path = ?');
    this.db.transaction(() => {
      for (const path of removed) remove.run([path]);
      for (const [path, value] of set) upsert.run([path, value]);
    })();
    this.committed = entries;
  }
}
