// Legacy format, read only by the migration: an adapter that keeps a JSON document sealed on disk, validates it on load and writes it atomically.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../atomic-write.js';
import { CorruptFileError, InvalidDocumentError, SealedFileError, UnsupportedFormatError } from '../errors.js';
import { moveAside } from '../quarantine.js';
import { type SealedRole, seal, unseal } from '../sealed-file.js';

export interface SealedJsonAdapterOptions<T> {
  path: string;
  key: Uint8Array;
  role: SealedRole;
  context: string;
  /** Validates (and migrates) a decoded document; throws when it does not fit. */
  parse: (json: unknown) => T;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Why a sealed document could not be read, in words for CorruptFileError. */
export function describeDamage(error: unknown): string {
  if (error instanceof SealedFileError) return error.problem;
  if (error instanceof SyntaxError) return 'not valid JSON';
  if (error instanceof Error) return `does not match its schema: ${error.message.slice(0, 200)}`;
  return 'unreadable';
}

/** The read/write pair of a whole-document store (the shape lowdb's adapters had). */
interface Adapter<T> {
  read: () => Promise<T | null>;
  write: (data: T) => Promise<void>;
}

export class SealedJsonAdapter<T> implements Adapter<T> {
  private pending: { data: T; waiters: Waiter[] } | undefined;
  private draining: Promise<void> | undefined;

  constructor(private readonly options: SealedJsonAdapterOptions<T>) {}

  get path(): string {
    return this.options.path;
  }

  /** The document, or null when the file does not exist; a damaged file is moved aside and reported. */
  async read(): Promise<T | null> {
    const { path, key, role, context, parse } = this.options;
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      return parse(JSON.parse(unseal(key, role, context, bytes).toString('utf8')));
    } catch (error) {
      if (error instanceof UnsupportedFormatError) throw new UnsupportedFormatError(path, error.version);
      throw new CorruptFileError(path, describeDamage(error), await moveAside(path), { cause: error });
    }
  }

  /**
   * Writes one document at a time, refusing (InvalidDocumentError) one that its schema rejects; writes that arrive meanwhile are coalesced into the next one,
   * and each caller's promise settles once a write containing its data is durable.
   */
  write(data: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending ??= { data, waiters: [] };
      this.pending.data = data;
      this.pending.waiters.push({ resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Settles once every write requested so far is on disk. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    // Yield first: a drain that finished without awaiting would clear `draining` before write() set it.
    await Promise.resolve();
    const { path, key, role, context } = this.options;
    while (this.pending) {
      const batch = this.pending;
      this.pending = undefined;
      try {
        const json = JSON.stringify(batch.data);
        // What cannot be read back must not replace what can: validate exactly what would be stored.
        try {
          this.options.parse(JSON.parse(json));
        } catch (cause) {
          throw new InvalidDocumentError(path, { cause });
        }
        await writeFileAtomic(path, seal(key, role, context, Buffer.from(json, 'utf8')));
        for (const waiter of batch.waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of batch.waiters) waiter.reject(error);
      }
    }
    this.draining = undefined;
  }
}
