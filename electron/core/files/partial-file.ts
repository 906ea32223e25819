// A download in progress: sealed records written where they belong in a partial file, a durable record of which are there, and a hash check at the end.
import { createHash } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from '../store/atomic-write.js';
import { CorruptProgressError, FileHashMismatchError, InvalidFileArgumentError, TruncatedFileError } from './errors.js';
import { type FileRecordContext, RECORD_TAG_BYTES, SEALED_RECORD_BYTES, checkRecordContext, openRecord, recordCount, recordPlaintextBytes } from './file-records.js';
import { HeldRecords } from './held-records.js';
import { readProgress, writeProgress } from './partial-progress.js';
import { sealedFileSha256 } from './stored-file.js';

/** 64 records of 64 KiB: a crash costs at most 4 MiB again, and syncing costs little next to a Tor stream's rate. */
export const DEFAULT_CHECKPOINT_RECORDS = 64;

export interface PartialFileOptions extends FileRecordContext {
  /** The folder of downloads in progress and of received files, inside the profile. */
  readonly dir: string;
  /** The SHA-256 of the whole plaintext from the offer, lowercase hex. */
  readonly sha256: string;
  /** Records received between two durable checkpoints. */
  readonly checkpointRecords?: number;
}

export interface FilePaths {
  readonly partial: string;
  readonly progress: string;
  /** Where a verified file stays, still sealed, until the user saves it out. */
  readonly sealed: string;
}

/** File names from a hash of the file id: an id chosen by the sender never reaches the filesystem. */
export function filePaths(dir: string, fileId: string): FilePaths {
  const name = createHash('sha256').update(`allium:file-id:${fileId}`).digest('hex').slice(0, 32);
  return { partial: join(dir, `${name}.partial`), progress: join(dir, `${name}.progress`), sealed: join(dir, `${name}.sealed`) };
}

/** Where record `index` starts in the partial file: every record but the last is full size. */
const offsetOf = (index: number): number => index * SEALED_RECORD_BYTES;

/**
 * One download. Records may arrive in any order and more than once; each is authenticated before it is
 * written. The progress record is written only after the partial file is synced, so it never claims a record
 * that a crash could have lost; records received after the last checkpoint are simply asked for again.
 */
export class PartialFile {
  readonly paths: FilePaths;
  readonly #context: FileRecordContext;
  readonly #sha256: string;
  readonly #checkpointRecords: number;
  readonly #held: HeldRecords;
  #handle: FileHandle | undefined;
  #sinceCheckpoint = 0;
  /** One operation at a time, in call order: positions, checkpoints and completion never interleave. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(options: PartialFileOptions, held: HeldRecords, handle: FileHandle) {
    this.#context = { key: options.key, fileId: options.fileId, size: options.size };
    this.#sha256 = options.sha256;
    this.#checkpointRecords = options.checkpointRecords ?? DEFAULT_CHECKPOINT_RECORDS;
    this.paths = filePaths(options.dir, options.fileId);
    this.#held = held;
    this.#handle = handle;
  }

  /**
   * Resumes the download from its saved progress, or starts it. Throws CorruptProgressError when the saved
   * progress is unreadable, altered, of another file, or describes records the partial file does not have;
   * `PartialFile.discard` then lets the caller start over.
   */
  static async open(options: PartialFileOptions): Promise<PartialFile> {
    checkRecordContext(options);
    if (!/^[0-9a-f]{64}$/.test(options.sha256)) throw new InvalidFileArgumentError('a SHA-256 is 64 lowercase hex digits');
    const checkpoint = options.checkpointRecords ?? DEFAULT_CHECKPOINT_RECORDS;
    if (!Number.isSafeInteger(checkpoint) || checkpoint < 1) throw new InvalidFileArgumentError('checkpointRecords is a whole number of at least 1');
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const paths = filePaths(options.dir, options.fileId);
    const held = await readProgress(paths.progress, options);
    if (held === undefined) {
      // Records written before the first checkpoint are unaccounted for: start the partial file afresh.
      return new PartialFile(options, new HeldRecords(recordCount(options.size)), await open(paths.partial, 'w+', 0o600));
    }
    let handle: FileHandle;
    try {
      handle = await open(paths.partial, 'r+');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
      throw new CorruptProgressError(paths.progress, 'the partial file it describes is missing', { cause });
    }
    const highest = held.highest;
    const needed = highest === undefined ? 0 : offsetOf(highest) + recordPlaintextBytes(options.size, highest) + RECORD_TAG_BYTES;
    const { size } = await handle.stat();
    if (size < needed) {
      await handle.close();
      throw new CorruptProgressError(paths.progress, `the partial file is ${String(size)} bytes, shorter than the records it claims`);
    }
    return new PartialFile(options, held, handle);
  }

  /** Deletes a download's partial file and progress (not a completed sealed file). */
  static async discard(dir: string, fileId: string): Promise<void> {
    const paths = filePaths(dir, fileId);
    await rm(paths.progress, { force: true });
    await rm(paths.partial, { force: true });
  }

  get recordCount(): number {
    return this.#held.total;
  }

  get receivedRecords(): number {
    return this.#held.count;
  }

  /** Where a sender should resume: the first record not held, or undefined when all are. */
  get firstMissing(): number | undefined {
    return this.#held.firstMissing;
  }

  has(index: number): boolean {
    return this.#held.has(index);
  }

  /**
   * Authenticates record `index` and stores it sealed; false when it was already held. Throws the record's
   * FileError (altered, foreign, wrong length, out of range) without writing anything.
   */
  write(index: number, sealed: Uint8Array): Promise<boolean> {
    // Authenticated outside the queue: it needs no state, and a bad record must not wait behind good ones.
    openRecord(this.#context, index, sealed);
    return this.#serialized(async (handle) => {
      if (this.#held.has(index)) return false;
      // A positional write may be short (a full disk, a signal): write until the whole record is there.
      for (let done = 0; done < sealed.length; ) {
        const { bytesWritten } = await handle.write(sealed, done, sealed.length - done, offsetOf(index) + done);
        if (bytesWritten === 0) throw new Error(`could not write record ${String(index)} to ${this.paths.partial}`);
        done += bytesWritten;
      }
      this.#held.add(index);
      if (++this.#sinceCheckpoint >= this.#checkpointRecords) await this.#checkpoint(handle);
      return true;
    });
  }

  /** Makes every record written so far durable and recorded. */
  checkpoint(): Promise<void> {
    return this.#serialized((handle) => this.#checkpoint(handle));
  }

  /**
   * Once every record is held: checks the whole plaintext against the offered SHA-256, streaming. On success
   * the file becomes `paths.sealed` (still encrypted under the file key) and the progress is gone; on a
   * mismatch or a damaged record, the partial file and its progress are deleted and the error thrown.
   */
  complete(): Promise<string> {
    return this.#serialized(async (handle) => {
      if (this.#held.firstMissing !== undefined) throw new TruncatedFileError(this.#held.count, this.#held.total);
      await handle.sync();
      await this.#release(handle);
      let actual: string;
      try {
        actual = await sealedFileSha256(this.paths.partial, this.#context);
      } catch (error) {
        await PartialFile.discard(this.#dir, this.#context.fileId);
        throw error;
      }
      if (actual !== this.#sha256) {
        await PartialFile.discard(this.#dir, this.#context.fileId);
        throw new FileHashMismatchError(this.#sha256, actual);
      }
      // Progress first: a crash in between leaves a partial file without progress, which starts over, never a wrong state.
      await rm(this.paths.progress, { force: true });
      await rename(this.paths.partial, this.paths.sealed);
      await syncDirectory(this.#dir);
      return this.paths.sealed;
    });
  }

  /** Checkpoints what is pending and closes the partial file; later calls do nothing. */
  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
    const handle = this.#handle;
    if (handle === undefined) return;
    await this.#serialized(async () => {
      if (this.#sinceCheckpoint > 0) await this.#checkpoint(handle);
      await this.#release(handle);
    });
  }

  get #dir(): string {
    return join(this.paths.partial, '..');
  }

  async #checkpoint(handle: FileHandle): Promise<void> {
    await handle.datasync();
    await writeProgress(this.paths.progress, this.#context, this.#held);
    this.#sinceCheckpoint = 0;
  }

  async #release(handle: FileHandle): Promise<void> {
    this.#handle = undefined;
    await handle.close();
  }

  #serialized<T>(operation: (handle: FileHandle) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#handle === undefined) throw new InvalidFileArgumentError('this download is closed or complete');
      return operation(this.#handle);
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}
