// The relay's blobs: bytes in files under the data dir, each file's durable length and owner in SQLite.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync } from 'node:fs';
import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { HEADER_BLOB_RECEIVED, blobCapability, type BlobStatus } from '../../shared/relay-protocol/index.js';
import { RelayRefusal, RelayStorageError } from '../errors.js';
import type { RelayLimits } from '../limits.js';
import { hashSecret } from './relay-store.js';

interface BlobRow {
  id: string;
  queue_id: string;
  secret_hash: Buffer;
  size: number;
  received: number;
  completed_at: number | null;
  expires_at: number;
}

export interface CreatedBlob {
  readonly blobId: string;
  /** `<blob id>.<secret>`; the relay keeps only the secret's hash, so this is its one chance to be told. */
  readonly capability: string;
  readonly size: number;
  readonly expiresAt: number;
}

export interface ChunkWritten {
  /** The blob's durable length after the chunk. */
  readonly received: number;
  readonly size: number;
}

/** A completed blob opened for a reader; the caller closes the handle (the stream does). */
export interface OpenedBlob {
  readonly handle: FileHandle;
  readonly size: number;
}

export interface BlobStoreStats {
  readonly blobs: number;
  /** Blobs whose upload is not completed yet. */
  readonly pending: number;
  /** Bytes durably stored of all blobs, finished or not: what the disk cap counts. */
  readonly bytesStored: number;
}

interface QueueBlobTotals {
  /** Blobs of the queue, their declared sizes, and how many are unfinished. */
  n: number;
  bytes: number;
  pending: number;
}

const BLOB_COLUMNS = 'id, queue_id, secret_hash, size, received, completed_at, expires_at';

const relayFull = (): RelayRefusal => new RelayRefusal('relay-full', 'This relay is full and takes no more file bytes for now.', 3600);

const notFound = (): RelayRefusal => new RelayRefusal('blob-not-found', 'This relay holds no such blob: it expired, was deleted, or was never here.');

/**
 * Blobs beside the mailboxes. A chunk is written and fsynced to the blob's file before the row records the new
 * length (synchronous=FULL), so the row never claims bytes the disk may lack; bytes past it (a crash between the two)
 * are cut off by the next chunk. Files without a row (a crash while creating or deleting) are removed by the sweep.
 */
export class BlobStore {
  readonly #db: Database.Database;
  readonly #dir: string;
  readonly #limits: RelayLimits;
  readonly #statements;
  /** The chain of chunk writes per blob: one at a time, each checking the offset the last one left. */
  readonly #writing = new Map<string, Promise<unknown>>();
  /** Blobs whose file exists but whose row does not yet: not orphans. */
  readonly #creating = new Set<string>();

  private constructor(db: Database.Database, dir: string, limits: RelayLimits) {
    this.#db = db;
    this.#dir = dir;
    this.#limits = limits;
    this.#statements = {
      row: db.prepare<[string], BlobRow>(`SELECT ${BLOB_COLUMNS} FROM blobs WHERE id = ?`),
      queueTotals: db.prepare<[string], QueueBlobTotals>(
        'SELECT count(*) AS n, total(size) AS bytes, count(*) FILTER (WHERE completed_at IS NULL) AS pending FROM blobs WHERE queue_id = ?',
      ),
      totals: db.prepare<[], { n: number; stored: number; pending: number }>(
        'SELECT count(*) AS n, total(received) AS stored, count(*) FILTER (WHERE completed_at IS NULL) AS pending FROM blobs',
      ),
      insert: db.prepare<[string, string, Buffer, number, number, number]>(
        'INSERT INTO blobs (id, queue_id, secret_hash, size, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      setReceived: db.prepare<[number, string, number]>('UPDATE blobs SET received = ? WHERE id = ? AND received = ?'),
      complete: db.prepare<[number, number, string]>('UPDATE blobs SET completed_at = ?, expires_at = ? WHERE id = ? AND completed_at IS NULL'),
      delete: db.prepare<[string]>('DELETE FROM blobs WHERE id = ?'),
      ofQueue: db.prepare<[string], { id: string }>('SELECT id FROM blobs WHERE queue_id = ?'),
      expired: db.prepare<[number], { id: string }>('SELECT id FROM blobs WHERE expires_at <= ?'),
      allIds: db.prepare<[], { id: string }>('SELECT id FROM blobs'),
    };
  }

  /** Opens the blob table of a relay database that RelayStore has already opened (and migrated), and the blobs folder. */
  static async open(databaseFile: string, dir: string, limits: RelayLimits): Promise<BlobStore> {
    let db: Database.Database;
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
      db = new Database(databaseFile);
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    } catch (error) {
      throw new RelayStorageError(`Cannot open the relay's blob store in ${dir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return new BlobStore(db, dir, limits);
  }

  /**
   * A new, empty blob of `size` bytes for the queue; refused past the queue's quota, when too many uploads are unfinished,
   * or when the bytes stored leave no room for it. Nothing is reserved: the disk cap counts bytes as they arrive.
   */
  async create(queueId: string, size: number, now: number): Promise<CreatedBlob> {
    this.#checkRoom(queueId, size);
    const blobId = randomBytes(16).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = now + this.#limits.blobUploadMs;
    // The file first, durably, then its row: a crash in between leaves an orphan file, never a row without a file.
    this.#creating.add(blobId);
    try {
      const file = await open(this.#file(blobId), 'wx', 0o600);
      try {
        await file.sync();
      } finally {
        await file.close();
      }
      await this.#syncDir();
      // Checked again: other blobs may have been created while the file was made.
      this.#db.transaction(() => {
        this.#checkRoom(queueId, size);
        this.#statements.insert.run(blobId, queueId, hashSecret(secret), size, now, expiresAt);
      })();
    } catch (error) {
      await unlink(this.#file(blobId)).catch(() => undefined);
      throw error;
    } finally {
      this.#creating.delete(blobId);
    }
    return { blobId, capability: blobCapability({ blobId, secret }), size, expiresAt };
  }

  /** What the relay holds of the queue's blob. */
  status(queueId: string, blobId: string, now: number): BlobStatus {
    const row = this.#owned(queueId, blobId, now);
    return { blobId, size: row.size, received: row.received, complete: row.completed_at !== null, expiresAt: row.expires_at };
  }

  /** Writes `bytes` at `offset`, which must be where the blob's durable bytes end; resolves with the new length once synced. */
  writeChunk(queueId: string, blobId: string, offset: number, bytes: Uint8Array, now: number): Promise<ChunkWritten> {
    const previous = this.#writing.get(blobId) ?? Promise.resolve();
    const write = previous.then(
      () => this.#write(queueId, blobId, offset, bytes, now),
      () => this.#write(queueId, blobId, offset, bytes, now),
    );
    this.#writing.set(blobId, write);
    const forget = (): void => {
      if (this.#writing.get(blobId) === write) this.#writing.delete(blobId);
    };
    write.then(forget, forget);
    return write;
  }

  async #write(queueId: string, blobId: string, offset: number, bytes: Uint8Array, now: number): Promise<ChunkWritten> {
    const row = this.#owned(queueId, blobId, now);
    if (offset !== row.received) {
      throw new RelayRefusal('blob-offset-mismatch', `The relay holds ${String(row.received)} bytes of this blob; send the chunk that starts there.`, undefined, {
        [HEADER_BLOB_RECEIVED]: String(row.received),
      });
    }
    if (offset + bytes.length > row.size) {
      throw new RelayRefusal('blob-too-large', `This chunk would take the blob past the ${String(row.size)} bytes declared when it was created.`);
    }
    if (bytes.length === 0) return { received: row.received, size: row.size };
    if (this.stats().bytesStored + bytes.length > this.#limits.blobDiskCapBytes) throw relayFull();
    let file: FileHandle;
    try {
      file = await open(this.#file(blobId), 'r+');
    } catch (error) {
      // Deleted meanwhile (its row went first).
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound();
      throw error;
    }
    try {
      // Bytes past the durable length are from a write whose row update never happened: not the blob's.
      await file.truncate(offset);
      // A write may take only part (a disk filling up); the rest is written again, which then fails with the reason.
      for (let written = 0; written < bytes.length; ) written += (await file.write(bytes, written, bytes.length - written, offset + written)).bytesWritten;
      await file.sync();
    } finally {
      await file.close();
    }
    const received = offset + bytes.length;
    if (this.#statements.setReceived.run(received, blobId, offset).changes !== 1) throw notFound();
    return { received, size: row.size };
  }

  /** Marks a fully uploaded blob readable and starts its retention; repeating it changes nothing. */
  complete(queueId: string, blobId: string, now: number): BlobStatus {
    const row = this.#owned(queueId, blobId, now);
    if (row.received < row.size) {
      throw new RelayRefusal('blob-incomplete', `The relay holds ${String(row.received)} of this blob's ${String(row.size)} bytes; upload the rest first.`, undefined, {
        [HEADER_BLOB_RECEIVED]: String(row.received),
      });
    }
    if (row.completed_at === null) this.#statements.complete.run(now, now + this.#limits.blobRetentionMs, blobId);
    return this.status(queueId, blobId, now);
  }

  /** Deletes the queue's blob; false if there was none. */
  async delete(queueId: string, blobId: string): Promise<boolean> {
    const row = this.#statements.row.get(blobId);
    if (row === undefined || row.queue_id !== queueId) return false;
    await this.#remove([blobId]);
    return true;
  }

  /** Deletes every blob of the queue (before the queue itself is deleted). */
  async deleteQueueBlobs(queueId: string): Promise<number> {
    const ids = this.#statements.ofQueue.all(queueId).map((r) => r.id);
    await this.#remove(ids);
    return ids.length;
  }

  /** Opens a completed, unexpired blob for a reader holding its secret. */
  async openForReading(blobId: string, secret: string, now: number): Promise<OpenedBlob> {
    const row = this.#statements.row.get(blobId);
    if (row === undefined || row.expires_at <= now || !timingSafeEqual(row.secret_hash, hashSecret(secret))) throw notFound();
    if (row.completed_at === null) throw new RelayRefusal('blob-incomplete', 'This blob is still being uploaded; try again later.', 60);
    try {
      return { handle: await open(this.#file(blobId), 'r'), size: row.size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound();
      throw error;
    }
  }

  /** Deletes expired blobs (unfinished uploads past their deadline, completed blobs past retention) and orphan files. */
  async sweep(now: number): Promise<number> {
    const expired = this.#statements.expired.all(now).map((r) => r.id);
    await this.#remove(expired);
    const known = new Set(this.#statements.allIds.all().map((r) => r.id));
    for (const name of await readdir(this.#dir)) {
      if (!known.has(name) && !this.#creating.has(name)) await unlink(join(this.#dir, name)).catch(() => undefined);
    }
    return expired.length;
  }

  stats(): BlobStoreStats {
    const { n, stored, pending } = this.#statements.totals.get() ?? { n: 0, stored: 0, pending: 0 };
    return { blobs: n, pending, bytesStored: stored };
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /** Rows first (committed), then files: a crash in between leaves orphan files for the sweep, never a row without bytes. */
  async #remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    this.#db.transaction(() => {
      for (const id of ids) this.#statements.delete.run(id);
    })();
    for (const id of ids) await unlink(this.#file(id)).catch(() => undefined);
  }

  #owned(queueId: string, blobId: string, now: number): BlobRow {
    const row = this.#statements.row.get(blobId);
    if (row === undefined || row.queue_id !== queueId || row.expires_at <= now) throw notFound();
    return row;
  }

  #checkRoom(queueId: string, size: number): void {
    const limits = this.#limits;
    const queue = this.#statements.queueTotals.get(queueId) ?? { n: 0, bytes: 0, pending: 0 };
    if (queue.n + 1 > limits.blobQueueMaxCount || queue.bytes + size > limits.blobQueueMaxBytes) {
      throw new RelayRefusal(
        'blob-quota',
        `This mailbox's blobs would pass its quota of ${String(limits.blobQueueMaxCount)} blobs and ${String(limits.blobQueueMaxBytes)} bytes; it holds ${String(queue.n)} blobs and ${String(queue.bytes)} bytes. Delete some first.`,
        3600,
      );
    }
    if (queue.pending + 1 > limits.blobPendingPerQueue) {
      throw new RelayRefusal('blob-quota', `This mailbox has ${String(queue.pending)} unfinished uploads, the most it may have at once; finish or delete one first.`, 600);
    }
    const all = this.stats();
    if (all.pending + 1 > limits.blobPendingTotal) {
      throw new RelayRefusal('relay-full', `This relay has ${String(all.pending)} unfinished uploads, the most it takes at once; try again later.`, 600);
    }
    if (all.bytesStored + size > limits.blobDiskCapBytes) throw relayFull();
  }

  #file(blobId: string): string {
    return join(this.#dir, blobId);
  }

  async #syncDir(): Promise<void> {
    const dir = await open(this.#dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
