// The relay's public group directory in its database: one signed listing per name, owned by whoever took the name first.
import type Database from 'better-sqlite3';
import { RelayRefusal } from '../errors.js';
import type { RelayLimits } from '../limits.js';

/** A verified listing as the store keeps it: the fields it decides by, and the signed form it hands out. */
export interface DirectoryEntry {
  readonly name: string;
  readonly owner: string;
  readonly updatedAt: number;
  /** JSON of the signed listing, served as it is. */
  readonly signed: string;
}

export interface PublishOutcome {
  /** False for an update of the owner's own listing. */
  readonly created: boolean;
  /** When the listing leaves the directory unless published again (ms since the epoch). */
  readonly expiresAt: number;
}

interface ListingRow {
  owner: string;
  updated_at: number;
}

/** Directory operations over the relay's database; each commits (synced) before it returns. */
export class DirectoryStore {
  readonly #db: Database.Database;
  readonly #limits: RelayLimits;
  readonly #statements;

  constructor(db: Database.Database, limits: RelayLimits) {
    this.#db = db;
    this.#limits = limits;
    this.#statements = {
      row: db.prepare<[string, number], ListingRow>('SELECT owner, updated_at FROM directory WHERE name = ? AND expires_at > ?'),
      signed: db.prepare<[string, number], { signed: string }>('SELECT signed FROM directory WHERE name = ? AND expires_at > ?'),
      all: db.prepare<[number], { signed: string }>('SELECT signed FROM directory WHERE expires_at > ? ORDER BY name'),
      count: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM directory WHERE expires_at > ?'),
      countByOwner: db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM directory WHERE owner = ? AND expires_at > ?'),
      upsert: db.prepare<[string, string, number, string, number]>(
        'INSERT OR REPLACE INTO directory (name, owner, updated_at, signed, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      delete: db.prepare<[string]>('DELETE FROM directory WHERE name = ?'),
      removal: db.prepare<[string, string, number], { removed_at: number }>('SELECT removed_at FROM directory_removals WHERE name = ? AND owner = ? AND expires_at > ?'),
      rememberRemoval: db.prepare<[string, string, number, number]>('INSERT OR REPLACE INTO directory_removals (name, owner, removed_at, expires_at) VALUES (?, ?, ?, ?)'),
      forgetRemoval: db.prepare<[string, string]>('DELETE FROM directory_removals WHERE name = ? AND owner = ?'),
      deleteExpired: db.prepare<[number]>('DELETE FROM directory WHERE expires_at <= ?'),
      deleteExpiredRemovals: db.prepare<[number]>('DELETE FROM directory_removals WHERE expires_at <= ?'),
    };
  }

  /**
   * Registers a name for its first owner or updates the owner's listing. Refuses another owner's name
   * (`name-taken`), a listing not newer than the one held or than its owner's removal (`listing-outdated`), and a
   * new name past the directory's or the owner's cap.
   */
  publish(entry: DirectoryEntry, now: number): PublishOutcome {
    return this.#db.transaction((): PublishOutcome => {
      const held = this.#statements.row.get(entry.name, now);
      if (held !== undefined && held.owner !== entry.owner) {
        throw new RelayRefusal('name-taken', `The name "${entry.name}" is taken on this relay by another group's owner; choose another name.`);
      }
      if (held !== undefined && entry.updatedAt <= held.updated_at) {
        throw new RelayRefusal('listing-outdated', `This relay holds a listing of "${entry.name}" updated at ${String(held.updated_at)}; an update must be newer.`);
      }
      const removedAt = this.#statements.removal.get(entry.name, entry.owner, now)?.removed_at;
      if (held === undefined && removedAt !== undefined && entry.updatedAt <= removedAt) {
        throw new RelayRefusal('listing-outdated', `Its owner took "${entry.name}" down at ${String(removedAt)}, after this listing was made.`);
      }
      if (held === undefined) {
        // An expired listing of the name may still be on disk until the sweep; the name is free all the same.
        this.#statements.delete.run(entry.name);
        const total = this.#statements.count.get(now)?.n ?? 0;
        if (total >= this.#limits.directoryMaxListings) {
          throw new RelayRefusal('directory-full', `This relay's directory holds ${String(total)} groups, the most it keeps; it takes no new names for now.`, 3600);
        }
        const owned = this.#statements.countByOwner.get(entry.owner, now)?.n ?? 0;
        if (owned >= this.#limits.directoryMaxPerOwner) {
          throw new RelayRefusal('too-many-listings', `This owner lists ${String(owned)} groups on this relay, the most one owner may list; take one down first.`);
        }
      }
      const expiresAt = now + this.#limits.directoryRetentionMs;
      this.#statements.upsert.run(entry.name, entry.owner, entry.updatedAt, entry.signed, expiresAt);
      this.#statements.forgetRemoval.run(entry.name, entry.owner);
      return { created: held === undefined, expiresAt };
    })();
  }

  /** The signed listing of `name` (JSON), or undefined when the directory has none. */
  get(name: string, now: number): string | undefined {
    return this.#statements.signed.get(name, now)?.signed;
  }

  /** Every signed listing (JSON), ordered by name. */
  all(now: number): string[] {
    return this.#statements.all.all(now).map((row) => row.signed);
  }

  /** Takes the owner's listing down as of `at`, remembering the removal so the old listing cannot be put back. */
  remove(name: string, owner: string, at: number, now: number): void {
    this.#db.transaction(() => {
      const held = this.#statements.row.get(name, now);
      if (held === undefined) throw new RelayRefusal('listing-not-found', `This relay's directory has no group named "${name}".`);
      if (held.owner !== owner) throw new RelayRefusal('not-listing-owner', `The group "${name}" on this relay belongs to another owner; only its owner may take it down.`);
      if (at < held.updated_at) {
        throw new RelayRefusal('listing-outdated', `The listing of "${name}" was updated at ${String(held.updated_at)}, after this removal was signed.`);
      }
      this.#statements.delete.run(name);
      this.#statements.rememberRemoval.run(name, owner, at, now + this.#limits.directoryRetentionMs);
    })();
  }

  /** Listings in the directory now. */
  count(now: number): number {
    return this.#statements.count.get(now)?.n ?? 0;
  }

  /** Deletes listings not published again within the retention, and old removals. Returns listings deleted. */
  sweep(now: number): number {
    return this.#db.transaction(() => {
      this.#statements.deleteExpiredRemovals.run(now);
      return this.#statements.deleteExpired.run(now).changes;
    })();
  }
}
