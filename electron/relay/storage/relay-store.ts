// The relay's durable state in one SQLite file (WAL, synchronous=FULL): queues, capabilities, held envelopes, directory.
import { createHash } from 'node:crypto';
import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import { RelayRefusal, RelayStorageError } from '../errors.js';
import type { RelayLimits } from '../limits.js';
import { DirectoryStore } from './directory-store.js';
import { migrate } from './schema.js';

export interface StoredCapability {
  readonly queueId: string;
  readonly secretHash: Buffer;
}

export interface DepositRequest {
  readonly queueId: string;
  readonly envelopeId: string;
  readonly body: Buffer;
  readonly now: number;
}

export interface DepositOutcome {
  readonly expiresAt: number;
  /** False for a repeat of an envelope id already held or delivered: nothing was stored. */
  readonly stored: boolean;
}

export interface HeldMessage {
  readonly sequence: number;
  readonly envelopeId: string;
  readonly body: Buffer;
  readonly depositedAt: number;
  readonly expiresAt: number;
}

export interface RelayStoreStats {
  readonly queues: number;
  readonly messages: number;
  readonly bytesHeld: number;
}

interface QueueRow {
  held_count: number;
  held_bytes: number;
  next_seq: number;
}

interface EnvelopeRow {
  expires_at: number;
  body_hash: Buffer;
}

interface MessageRow {
  seq: number;
  envelope_id: string;
  body: Buffer;
  deposited_at: number;
  expires_at: number;
}

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

/** One relay's database. Methods are synchronous: each returns after its transaction is committed and synced. */
export class RelayStore {
  readonly #db: Database.Database;
  readonly #limits: RelayLimits;
  #bytesHeld: number;
  readonly #statements;
  /** The public group directory, in the same file. */
  readonly directory: DirectoryStore;

  private constructor(db: Database.Database, limits: RelayLimits) {
    this.#db = db;
    this.#limits = limits;
    this.directory = new DirectoryStore(db, limits);
    this.#statements = {
      insertQueue: db.prepare<[string, Buffer, number]>('INSERT OR IGNORE INTO queues (id, public_key, created_at) VALUES (?, ?, ?)'),
      queueKey: db.prepare<[string], { public_key: Buffer }>('SELECT public_key FROM queues WHERE id = ?'),
      queueRow: db.prepare<[string], QueueRow>('SELECT held_count, held_bytes, next_seq FROM queues WHERE id = ?'),
      deleteQueue: db.prepare<[string]>('DELETE FROM queues WHERE id = ?'),
      queueBytes: db.prepare<[string], { bytes: number }>('SELECT held_bytes AS bytes FROM queues WHERE id = ?'),
      capabilityCount: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM capabilities WHERE queue_id = ?'),
      insertCapability: db.prepare<[string, string, Buffer, number]>('INSERT INTO capabilities (id, queue_id, secret_hash, created_at) VALUES (?, ?, ?, ?)'),
      deleteCapability: db.prepare<[string, string]>('DELETE FROM capabilities WHERE id = ? AND queue_id = ?'),
      capability: db.prepare<[string], { queue_id: string; secret_hash: Buffer }>('SELECT queue_id, secret_hash FROM capabilities WHERE id = ?'),
      heldEnvelope: db.prepare<[string, string], EnvelopeRow>('SELECT expires_at, body_hash FROM messages WHERE queue_id = ? AND envelope_id = ?'),
      receipt: db.prepare<[string, string], EnvelopeRow>('SELECT expires_at, body_hash FROM receipts WHERE queue_id = ? AND envelope_id = ?'),
      insertMessage: db.prepare<[string, number, string, Buffer, Buffer, number, number, number]>(
        'INSERT INTO messages (queue_id, seq, envelope_id, body, body_hash, size, deposited_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      countDeposit: db.prepare<[number, number, string]>('UPDATE queues SET held_count = held_count + 1, held_bytes = held_bytes + ?, next_seq = ? WHERE id = ?'),
      fetch: db.prepare<[string, number, number, number], MessageRow>(
        'SELECT seq, envelope_id, body, deposited_at, expires_at FROM messages WHERE queue_id = ? AND seq > ? AND expires_at > ? ORDER BY seq LIMIT ?',
      ),
      keepReceipts: db.prepare<[string, number]>(
        'INSERT OR IGNORE INTO receipts (queue_id, envelope_id, body_hash, expires_at) SELECT queue_id, envelope_id, body_hash, expires_at FROM messages WHERE queue_id = ? AND seq <= ?',
      ),
      ackedTotals: db.prepare<[string, number], { n: number; bytes: number }>('SELECT count(*) AS n, total(size) AS bytes FROM messages WHERE queue_id = ? AND seq <= ?'),
      deleteAcked: db.prepare<[string, number]>('DELETE FROM messages WHERE queue_id = ? AND seq <= ?'),
      uncount: db.prepare<[number, number, string]>('UPDATE queues SET held_count = held_count - ?, held_bytes = held_bytes - ? WHERE id = ?'),
      expiredTotals: db.prepare<[number], { queue_id: string; n: number; bytes: number }>(
        'SELECT queue_id, count(*) AS n, total(size) AS bytes FROM messages WHERE expires_at <= ? GROUP BY queue_id',
      ),
      deleteExpired: db.prepare<[number]>('DELETE FROM messages WHERE expires_at <= ?'),
      deleteExpiredReceipts: db.prepare<[number]>('DELETE FROM receipts WHERE expires_at <= ?'),
      totals: db.prepare<[], { queues: number; messages: number; bytes: number }>(
        'SELECT count(*) AS queues, total(held_count) AS messages, total(held_bytes) AS bytes FROM queues',
      ),
    };
    this.#bytesHeld = this.stats().bytesHeld;
  }

  /** Opens (creating if needed) the database at `file`. */
  static open(file: string, limits: RelayLimits): RelayStore {
    let db: Database.Database;
    try {
      db = new Database(file);
      // Before the WAL exists: SQLite gives the -wal and -shm files the database file's mode.
      chmodSync(file, 0o600);
      db.pragma('journal_mode = WAL');
      // FULL syncs the WAL at every commit: a deposit answered is a deposit on disk, through power loss too.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db);
    } catch (error) {
      throw new RelayStorageError(`Cannot open the relay database ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return new RelayStore(db, limits);
  }

  /** Creates a queue owned by `publicKey`; a queue that exists already is left as it is. */
  createQueue(queueId: string, publicKey: Buffer, now: number): { created: boolean } {
    return { created: this.#statements.insertQueue.run(queueId, publicKey, now).changes === 1 };
  }

  /** The queue's ed25519 public key, or undefined for a queue the relay does not hold. */
  queueKey(queueId: string): Buffer | undefined {
    return this.#statements.queueKey.get(queueId)?.public_key;
  }

  /** Deletes a queue with its capabilities, envelopes and receipts. */
  deleteQueue(queueId: string): boolean {
    return this.#db.transaction(() => {
      const bytes = this.#statements.queueBytes.get(queueId)?.bytes ?? 0;
      const deleted = this.#statements.deleteQueue.run(queueId).changes === 1;
      this.#bytesHeld -= bytes;
      return deleted;
    })();
  }

  /** Records a capability; only the hash of its secret is stored. */
  createCapability(queueId: string, capabilityId: string, secret: string, now: number): void {
    this.#db.transaction(() => {
      const count = this.#statements.capabilityCount.get(queueId)?.n ?? 0;
      if (count >= this.#limits.queueMaxCapabilities) {
        throw new RelayRefusal('too-many-capabilities', `This queue has ${String(count)} deposit capabilities, the most a queue may have; revoke some first.`);
      }
      this.#statements.insertCapability.run(capabilityId, queueId, hashSecret(secret), now);
    })();
  }

  revokeCapability(queueId: string, capabilityId: string): boolean {
    return this.#statements.deleteCapability.run(capabilityId, queueId).changes === 1;
  }

  capability(capabilityId: string): StoredCapability | undefined {
    const row = this.#statements.capability.get(capabilityId);
    return row === undefined ? undefined : { queueId: row.queue_id, secretHash: row.secret_hash };
  }

  /** Stores an envelope unless this envelope id was seen; refuses past the queue's quota or the disk cap. */
  deposit(request: DepositRequest): DepositOutcome {
    const [outcome] = this.depositMany([request]);
    if (outcome instanceof RelayRefusal) throw outcome;
    if (outcome === undefined) throw new RelayStorageError('The deposit produced no outcome.');
    return outcome;
  }

  /**
   * Several deposits in one transaction, so one disk sync covers them all (group commit). Each deposit is refused
   * or stored on its own (a savepoint each); the outcomes are in request order and all are durable on return.
   */
  depositMany(requests: readonly DepositRequest[]): (DepositOutcome | RelayRefusal)[] {
    let added = 0;
    const one = this.#db.transaction(({ queueId, envelopeId, body, now }: DepositRequest): DepositOutcome => {
      const bodyHash = sha256(body);
      const seen = this.#statements.heldEnvelope.get(queueId, envelopeId) ?? this.#statements.receipt.get(queueId, envelopeId);
      if (seen !== undefined) {
        if (!seen.body_hash.equals(bodyHash)) {
          throw new RelayRefusal('envelope-conflict', 'An envelope with this id but different content was already deposited in this queue.');
        }
        return { expiresAt: seen.expires_at, stored: false };
      }
      const queue = this.#statements.queueRow.get(queueId);
      if (queue === undefined) throw new RelayRefusal('queue-not-found', 'The queue of this capability no longer exists.');
      if (queue.held_count + 1 > this.#limits.queueMaxMessages || queue.held_bytes + body.length > this.#limits.queueMaxBytes) {
        throw new RelayRefusal('queue-full', 'This mailbox is full: its owner has not fetched the envelopes it holds. Try again later.', 3600);
      }
      if (this.#bytesHeld + added + body.length > this.#limits.diskCapBytes) {
        throw new RelayRefusal('relay-full', 'This relay is full and takes no more envelopes for now.', 3600);
      }
      const expiresAt = now + this.#limits.retentionMs;
      this.#statements.insertMessage.run(queueId, queue.next_seq, envelopeId, body, bodyHash, body.length, now, expiresAt);
      this.#statements.countDeposit.run(body.length, queue.next_seq + 1, queueId);
      added += body.length;
      return { expiresAt, stored: true };
    });
    const outcomes = this.#db.transaction(() =>
      requests.map((request) => {
        try {
          return one(request);
        } catch (error) {
          if (error instanceof RelayRefusal) return error;
          throw error;
        }
      }),
    )();
    this.#bytesHeld += added;
    return outcomes;
  }

  /** Unexpired envelopes after `after`, oldest first. */
  fetch(queueId: string, after: number, limit: number, now: number): HeldMessage[] {
    return this.#statements.fetch.all(queueId, after, now, limit).map((row) => ({
      sequence: row.seq,
      envelopeId: row.envelope_id,
      body: row.body,
      depositedAt: row.deposited_at,
      expiresAt: row.expires_at,
    }));
  }

  /** Deletes envelopes up to `upTo`, keeping their ids (until they would have expired) so a repeat is not stored again. */
  ack(queueId: string, upTo: number): number {
    const { n, bytes } = this.#db.transaction(() => {
      const totals = this.#statements.ackedTotals.get(queueId, upTo) ?? { n: 0, bytes: 0 };
      if (totals.n === 0) return totals;
      this.#statements.keepReceipts.run(queueId, upTo);
      this.#statements.deleteAcked.run(queueId, upTo);
      this.#statements.uncount.run(totals.n, totals.bytes, queueId);
      return totals;
    })();
    this.#bytesHeld -= bytes;
    return n;
  }

  /** Deletes what has expired: envelopes never fetched, receipts of delivered ones, stale listings. Returns envelopes deleted. */
  sweep(now: number): number {
    const { n, bytes } = this.#db.transaction(() => {
      this.directory.sweep(now);
      let count = 0;
      let size = 0;
      for (const row of this.#statements.expiredTotals.all(now)) {
        this.#statements.uncount.run(row.n, row.bytes, row.queue_id);
        count += row.n;
        size += row.bytes;
      }
      this.#statements.deleteExpired.run(now);
      this.#statements.deleteExpiredReceipts.run(now);
      return { n: count, bytes: size };
    })();
    this.#bytesHeld -= bytes;
    return n;
  }

  stats(): RelayStoreStats {
    const row = this.#statements.totals.get() ?? { queues: 0, messages: 0, bytes: 0 };
    return { queues: row.queues, messages: row.messages, bytesHeld: row.bytes };
  }

  /** SQLite's own check of the file: 'ok' or what is wrong. */
  integrityCheck(): string {
    return (this.#db.pragma('integrity_check', { simple: true }) as string | undefined) ?? 'no answer';
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/** What the relay keeps of a capability's secret. */
export function hashSecret(secret: string): Buffer {
  return sha256(Buffer.from(secret, 'utf8'));
}
