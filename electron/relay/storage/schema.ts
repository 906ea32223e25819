// The relay database's tables, created or upgraded at open (user_version counts the steps applied).
import type Database from 'better-sqlite3';
import { RelayStorageError } from '../errors.js';

const STEPS: readonly string[] = [
  `CREATE TABLE queues (
     id TEXT PRIMARY KEY,
     public_key BLOB NOT NULL,
     created_at INTEGER NOT NULL,
     held_count INTEGER NOT NULL DEFAULT 0,
     held_bytes INTEGER NOT NULL DEFAULT 0,
     next_seq INTEGER NOT NULL DEFAULT 1
   ) STRICT;
   CREATE TABLE capabilities (
     id TEXT PRIMARY KEY,
     queue_id TEXT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
     secret_hash BLOB NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX capabilities_by_queue ON capabilities (queue_id);
   CREATE TABLE messages (
     queue_id TEXT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     envelope_id TEXT NOT NULL,
     body BLOB NOT NULL,
     body_hash BLOB NOT NULL,
     size INTEGER NOT NULL,
     deposited_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     PRIMARY KEY (queue_id, seq),
     UNIQUE (queue_id, envelope_id)
   ) STRICT;
   CREATE INDEX messages_by_expiry ON messages (expires_at);
   CREATE TABLE receipts (
     queue_id TEXT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
     envelope_id TEXT NOT NULL,
     body_hash BLOB NOT NULL,
     expires_at INTEGER NOT NULL,
     PRIMARY KEY (queue_id, envelope_id)
   ) STRICT;
   CREATE INDEX receipts_by_expiry ON receipts (expires_at);`,
  // The public group directory: each name's signed listing as received, and recent removals so none is replayed.
  `CREATE TABLE directory (
     name TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     signed TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX directory_by_owner ON directory (owner);
   CREATE INDEX directory_by_expiry ON directory (expires_at);
   CREATE TABLE directory_removals (
     name TEXT NOT NULL,
     owner TEXT NOT NULL,
     removed_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     PRIMARY KEY (name, owner)
   ) STRICT;
   CREATE INDEX directory_removals_by_expiry ON directory_removals (expires_at);`,
  // Blobs: their bytes are files in the data dir's blobs/ folder; a row says how many of them are durable.
  `CREATE TABLE blobs (
     id TEXT PRIMARY KEY,
     queue_id TEXT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
     secret_hash BLOB NOT NULL,
     size INTEGER NOT NULL,
     received INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     completed_at INTEGER,
     expires_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX blobs_by_queue ON blobs (queue_id);
   CREATE INDEX blobs_by_expiry ON blobs (expires_at);`,
  // When the owner first fetched from a queue or anyone deposited in it: a queue never used is deleted. Queues held already count as used.
  `ALTER TABLE queues ADD COLUMN used_at INTEGER;
   UPDATE queues SET used_at = created_at;
   CREATE INDEX queues_unused ON queues (created_at) WHERE used_at IS NULL;`,
];

export const SCHEMA_VERSION = STEPS.length;

/** Applies the steps this file has not seen yet, each in its own transaction. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new RelayStorageError(`The relay database has schema version ${String(current)}; this relay knows up to ${String(SCHEMA_VERSION)}. Run a newer relay.`);
  }
  for (let version = current; version < SCHEMA_VERSION; version += 1) {
    db.transaction(() => {
      db.exec(STEPS[version] ?? '');
      db.pragma(`user_version = ${String(version + 1)}`);
    })();
  }
}
