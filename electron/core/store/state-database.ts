// The state in the profile's database: one row per entry of the document, so a change writes only the entries it changed.
import { CorruptFileError, InvalidDocumentError, MissingFileError, ProfileLockedError, UnsupportedFormatError } from './errors.js';
import { STATE_VERSION, migrateState } from './migrations/index.js';
import type { Database } from './sqlite/profile-database.js';
import type { WriteBatch } from './sqlite/write-batch.js';
import type { StateData } from './state-schema.js';
import { type Entries, type JsonObject, assemble, changedEntries, flatten, validateChanges } from './state-entries.js';

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
  /** The write queued and not yet run: later write() calls share it. */
  private queued: Promise<void> | undefined;
  private last: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly db: Database,
    private readonly batch: WriteBatch,
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
  static open(db: Database, batch: WriteBatch, path: string): StateDatabase {
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
    const state = new StateDatabase(db, batch, path, data, flatten(raw, [], new Map()));
    // An older document (a newer Allium's migration ran in memory): store it in the current format at once.
    if (raw.formatVersion !== STATE_VERSION) db.transaction(() => state.commit()?.())();
    return state;
  }

  /**
   * Makes the live document durable: the entries that changed, in the transaction of every write requested in the
   * same turn (history appends included). A change its schema rejects is refused (InvalidDocumentError) and nothing
   * of it is written. Writes requested before the queued one runs share it; each promise settles once durable.
   */
  write(): Promise<void> {
    if (this.closed) return Promise.reject(new ProfileLockedError());
    this.queued ??= this.batch.run(() => {
      this.queued = undefined;
      return this.commit();
    });
    this.last = this.queued.catch(() => undefined);
    return this.queued;
  }

  /** Puts the live document back to what is durable (after a refused write). */
  reload(): void {
    this.data = migrateState(assemble([...this.committed]));
  }

  /** Settles once every write requested so far is on disk. */
  async flush(): Promise<void> {
    await this.last;
  }

  /** Finishes pending writes; later ones are refused. The caller closes the database. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Writes the changed entries; returns what to remember once they are durable. */
  private commit(): (() => void) | undefined {
    const doc = this.data as unknown as JsonObject;
    const entries = flatten(doc, [], new Map());
    const { set, removed } = changedEntries(this.committed, entries);
    if (set.length + removed.length === 0) return undefined;
    // What cannot be read back must not reach the disk: each changed entry is checked against its part of the schema.
    try {
      validateChanges(doc, set, removed);
    } catch (cause) {
      throw new InvalidDocumentError(this.path, { cause });
    }
    const upsert = this.db.prepare('INSERT INTO state_entries (path, value) VALUES (?, ?) ON CONFLICT(path) DO UPDATE SET value = excluded.value');
    const remove = this.db.prepare('DELETE FROM state_entries WHERE path = ?');
    for (const path of removed) remove.run([path]);
    for (const [path, value] of set) upsert.run([path, value]);
    return () => {
      this.committed = entries;
    };
  }
}
