// The relay's durable state in one SQLite file (WAL, synchronous=FULL): queues, capabilities, held envelopes, directory.
import { createHash } from 'node:crypto';
import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import { RelayRefusal, RelayStorageError } from '../errors.js';
import type { RelayLimits } from '../limits.js';
import { DirectoryStore } from './directory-store.js';
import { ROW_BYTES } from './row-bytes.js';
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

const relayFull = (): RelayRefusal => new RelayRefusal('relay-full', 'This relay is full and takes nothing new for now.', 3600);

/** SQLite's and the file system's ways of saying a write found no room (a full disk, a quota, a file size limit, the database's ceiling). */
const NO_ROOM = new Set(['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'ENOSPC', 'EDQUOT', 'EFBIG']);

/** Whether an error is the disk refusing a write: the relay answers `relay-full` and goes on. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NO_ROOM.has(code);
}

/** Everything the relay keeps in its database, each row at ROW_BYTES: what the disk cap counts. */
const KEPT_BYTES = `SELECT
  (SELECT total(held_bytes) + total(held_count) * ${String(ROW_BYTES.message)} + count(*) * ${String(ROW_BYTES.queue)} FROM queues)
  + (SELECT count(*) FROM capabilities) * ${String(ROW_BYTES.capability)}
  + (SELECT count(*) FROM receipts) * ${String(ROW_BYTES.receipt)}
  + (SELECT count(*) FROM blobs) * ${String(ROW_BYTES.blob)}
  + (SELECT total(length(signed)) + count(*) * ${String(ROW_BYTES.listing)} FROM directory)
  + (SELECT count(*) FROM directory_removals) * ${String(ROW_BYTES.removal)} AS bytes`;

/** One relay's database. Methods are synchronous: each returns after its transaction is committed and synced. */
export class RelayStore {
  readonly #db: Database.Database;
  readonly #limits: RelayLimits;
  /** What the disk cap counts; measured at open and every sweep, kept up to date between by each change. */
  #bytesKept = 0;
  readonly #statements;
  /** The public group directory, in the same file. */
  readonly directory: DirectoryStore;

  private constructor(db: Database.Database, limits: RelayLimits) {
    this.#db = db;
    this.#limits = limits;
    this.directory = new DirectoryStore(db, limits);
    this.#statements = {
      insertQueue: db.prepare<[string, Buffer, number]>('INSERT OR IGNORE INTO queues (id, public_key, created_at) VALUES (?, ?, ?)'),
      unusedCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM queues WHERE used_at IS NULL'),
      usedAt: db.prepare<[string], { used_at: number | null }>('SELECT used_at FROM queues WHERE id = ?'),
      markUsed: db.prepare<[number, string]>('UPDATE queues SET used_at = ? WHERE id = ? AND used_at IS NULL'),
      emptyUnused: db.prepare<[number], { id: string }>(
        'SELECT id FROM queues WHERE used_at IS NULL AND created_at <= ? AND NOT EXISTS (SELECT 1 FROM capabilities WHERE queue_id = queues.id)',
      ),
      unused: db.prepare<[number], { id: string }>('SELECT id FROM queues WHERE used_at IS NULL AND created_at <= ?'),
      keptBytes: db.prepare<[], { bytes: number }>(KEPT_BYTES),
      queueKey: db.prepare<[string], { public_key: Buffer }>('SELECT public_key FROM queues WHERE id = ?'),
      queueRow: db.prepare<[string], QueueRow>('SELECT held_count, held_bytes, next_seq FROM queues WHERE id = ?'),
      deleteQueue: db.prepare<[string]>('DELETE FROM queues WHERE id = ?'),
      capabilityCount: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM capabilities WHERE queue_id = ?'),
      insertCapability: db.prepare<[string, string, Buffer, number]>('INSERT INTO capabilities (id, queue_id, secret_hash, created_at) VALUES (?, ?, ?, ?)'),
      deleteCapability: db.prepare<[string, string]>('DELETE FROM capabilities WHERE id = ? AND queue_id = ?'),
      capability: db.prepare<[string], { queue_id: string; secret_hash: Buffer }>('SELECT queue_id, secret_hash FROM capabilities WHERE id = ?'),
      heldEnvelope: db.prepare<[string, string], EnvelopeRow>('SELECT expires_at, body_hash FROM messages WHERE queue_id = ? AND envelope_id = ?'),
      receipt: db.prepare<[string, string], EnvelopeRow>('SELECT expires_at, body_hash FROM receipts WHERE queue_id = ? AND envelope_id = ?'),
      insertMessage: db.prepare<[string, number, string, Buffer, Buffer, number, number, number]>(
        'INSERT INTO messages (queue_id, seq, envelope_id, body, body_hash, size, deposited_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      countDeposit: db.prepare<[number, number, number, string]>(
        'UPDATE queues SET held_count = held_count + 1, held_bytes = held_bytes + ?, next_seq = ?, used_at = coalesce(used_at, ?) WHERE id = ?',
      ),
      fetch: db.prepare<[string, number, number, number], MessageRow>(
        'SELECT seq, envelope_id, body, deposited_at, expires_at FROM messages WHERE queue_id = ? AND seq > ? AND expires_at > ? ORDER BY seq LIMIT ?',
      ),
      ackedIds: db.prepare<[string, number], { envelope_id: string; body_hash: Buffer; expires_at: number }>(
        'SELECT envelope_id, body_hash, expires_at FROM messages WHERE queue_id = ? AND seq <= ?',
      ),
      keepReceipt: db.prepare<[string, string, Buffer, number]>('INSERT OR IGNORE INTO receipts (queue_id, envelope_id, body_hash, expires_at) VALUES (?, ?, ?, ?)'),
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
    this.#measure();
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
      // The operator's ceiling on the file: past it SQLite fails a write exactly as on a full disk.
      if (limits.databaseMaxBytes > 0) db.pragma(`max_page_count = ${String(Math.max(1, Math.floor(limits.databaseMaxBytes / (db.pragma('page_size', { simple: true }) as number))))}`);
    } catch (error) {
      throw new RelayStorageError(`Cannot open the relay database ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return new RelayStore(db, limits);
  }

  /**
   * Creates a queue owned by `publicKey`; a queue that exists already is left as it is. Refused while the relay holds
   * `queueMaxUnused` queues nobody used yet, or is full.
   */
  createQueue(queueId: string, publicKey: Buffer, now: number): { created: boolean } {
    if (this.queueKey(queueId) !== undefined) return { created: false };
    const unused = this.#statements.unusedCount.get()?.n ?? 0;
    if (unused >= this.#limits.queueMaxUnused) {
      throw new RelayRefusal('rate-limited', `This relay holds ${String(unused)} new queues nobody has used yet, the most it takes; try again later.`, 600);
    }
    this.#checkRoom(ROW_BYTES.queue);
    const created = this.#statements.insertQueue.run(queueId, publicKey, now).changes === 1;
    if (created) this.#bytesKept += ROW_BYTES.queue;
    return { created };
  }

  /** Records the owner's fetch: a queue never used is deleted after a while. Writes only the first time. */
  markUsed(queueId: string, now: number): void {
    if (this.#statements.usedAt.get(queueId)?.used_at === null) this.#statements.markUsed.run(now, queueId);
  }

  /** The queue's ed25519 public key, or undefined for a queue the relay does not hold. */
  queueKey(queueId: string): Buffer | undefined {
    return this.#statements.queueKey.get(queueId)?.public_key;
  }

  /** Deletes a queue with its capabilities, envelopes and receipts. */
  deleteQueue(queueId: string): boolean {
    const deleted = this.#statements.deleteQueue.run(queueId).changes === 1;
    this.#measure();
    return deleted;
  }

  /** Records a capability; only the hash of its secret is stored. */
  createCapability(queueId: string, capabilityId: string, secret: string, now: number): void {
    this.#db.transaction(() => {
      const count = this.#statements.capabilityCount.get(queueId)?.n ?? 0;
      if (count >= this.#limits.queueMaxCapabilities) {
        throw new RelayRefusal('too-many-capabilities', `This queue has ${String(count)} deposit capabilities, the most a queue may have; revoke some first.`);
      }
      this.#checkRoom(ROW_BYTES.capability);
      this.#statements.insertCapability.run(capabilityId, queueId, hashSecret(secret), now);
    })();
    this.#bytesKept += ROW_BYTES.capability;
  }

  revokeCapability(queueId: string, capabilityId: string): boolean {
    const revoked = this.#statements.deleteCapability.run(capabilityId, queueId).changes === 1;
    if (revoked) this.#bytesKept -= ROW_BYTES.capability;
    return revoked;
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
      this.#checkRoom(added + body.length + ROW_BYTES.message);
      const expiresAt = now + this.#limits.retentionMs;
      this.#statements.insertMessage.run(queueId, queue.next_seq, envelopeId, body, bodyHash, body.length, now, expiresAt);
      this.#statements.countDeposit.run(body.length, queue.next_seq + 1, now, queueId);
      added += body.length + ROW_BYTES.message;
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
    this.#bytesKept += added;
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

  /**
   * Deletes envelopes up to `upTo`, keeping their ids (until they would have expired) so a repeat is not stored again.
   * The envelopes go first, so on a database with no room left the receipts take the pages they freed.
   */
  ack(queueId: string, upTo: number): number {
    const totals = this.#db.transaction(() => {
      const acked = this.#statements.ackedTotals.get(queueId, upTo) ?? { n: 0, bytes: 0 };
      if (acked.n === 0) return { ...acked, receipts: 0 };
      const ids = this.#statements.ackedIds.all(queueId, upTo);
      this.#statements.deleteAcked.run(queueId, upTo);
      this.#statements.uncount.run(acked.n, acked.bytes, queueId);
      let receipts = 0;
      for (const id of ids) receipts += this.#statements.keepReceipt.run(queueId, id.envelope_id, id.body_hash, id.expires_at).changes;
      return { ...acked, receipts };
    })();
    this.#bytesKept += totals.receipts * ROW_BYTES.receipt - totals.bytes - totals.n * ROW_BYTES.message;
    return totals.n;
  }

  /**
   * Deletes what has expired: envelopes never fetched, receipts of delivered ones, stale listings, queues nobody used
   * (their blob rows with them; the blob sweep removes the files). Returns envelopes deleted.
   */
  sweep(now: number): number {
    const n = this.#db.transaction(() => {
      this.directory.sweep(now);
      const unused = [...this.#statements.emptyUnused.all(now - this.#limits.queueEmptyMs), ...this.#statements.unused.all(now - this.#limits.queueUnusedMs)];
      for (const { id } of unused) this.#statements.deleteQueue.run(id);
      let count = 0;
      for (const row of this.#statements.expiredTotals.all(now)) {
        this.#statements.uncount.run(row.n, row.bytes, row.queue_id);
        count += row.n;
      }
      this.#statements.deleteExpired.run(now);
      this.#statements.deleteExpiredReceipts.run(now);
      return count;
    })();
    this.#measure();
    return n;
  }

  /** Bytes the disk cap counts: envelopes and every row, as ROW_BYTES says. */
  bytesKept(): number {
    return this.#bytesKept;
  }

  #measure(): void {
    this.#bytesKept = this.#statements.keptBytes.get()?.bytes ?? 0;
  }

  #checkRoom(bytes: number): void {
    if (this.#bytesKept + bytes > this.#limits.diskCapBytes) throw relayFull();
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
