// Old format, read only by the migration (tests also write it, to make fixtures): the state as a sealed snapshot plus an append-only journal of sealed changes, replayed on open and compacted when it grows.
import { constants } from 'node:fs';
import { type FileHandle, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../atomic-write.js';
import { CorruptFileError, InvalidDocumentError, MissingFileError, ProfileLockedError, UnsupportedFormatError } from '../errors.js';
import { MAX_RECORD_BYTES, decodeLog, encodeRecord } from './record-log.js';
import { STATE_VERSION, migrateState } from '../migrations/index.js';
import { moveAside } from '../quarantine.js';
import { describeDamage } from './sealed-json-adapter.js';
import { nonceOf, seal, unseal } from '../sealed-file.js';
import { flatten, isObject, type Entries, type JsonObject } from '../state-entries.js';
import type { StateData } from '../state-schema.js';

export interface JournalLimits {
  /** Records appended since the last snapshot before the next change compacts. */
  maxRecords: number;
  /** Journal size in bytes before the next change compacts. */
  maxBytes: number;
}

export const DEFAULT_JOURNAL_LIMITS: JournalLimits = { maxRecords: 500, maxBytes: 256 * 1024 };

const JOURNAL_MAGIC = Buffer.from('ALSJ\x01', 'latin1');
/** Where the OS has O_DSYNC, each journal write returns only once durable: one system call instead of two. */
const DSYNC: number | undefined = (constants as { O_DSYNC?: number }).O_DSYNC;
const JOURNAL_FLAGS = constants.O_RDWR | (DSYNC ?? 0);

/** One record: entries set (with `v`) or removed (without), each named by its path in the document. */
const changesSchema = z.array(z.object({ p: z.array(z.string()).min(1), v: z.unknown().optional() }));
type Changes = z.infer<typeof changesSchema>;

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The journal that belongs to a snapshot file: same folder. */
export function journalPathOf(statePath: string): string {
  return join(dirname(statePath), 'state.journal');
}

/** The JSON of one journal record taking `before` to `after`, or undefined when nothing changed. Removals come first. */
function diff(before: Entries, after: Entries): string | undefined {
  const removed: string[] = [];
  const set: string[] = [];
  for (const path of before.keys()) if (!after.has(path)) removed.push(`{"p":${path}}`);
  for (const [path, json] of after) if (before.get(path) !== json) set.push(`{"p":${path},"v":${json}}`);
  return removed.length + set.length === 0 ? undefined : `[${[...removed, ...set].join(',')}]`;
}

function apply(doc: JsonObject, changes: Changes): void {
  for (const { p, v } of changes) {
    let node = doc;
    for (const key of p.slice(0, -1)) {
      const next = Object.hasOwn(node, key) ? node[key] : undefined;
      if (isObject(next)) node = next;
      else {
        const created: JsonObject = {};
        Object.defineProperty(node, key, { value: created, enumerable: true, writable: true, configurable: true });
        node = created;
      }
    }
    const last = p.at(-1)!;
    if (v === undefined) delete node[last];
    else Object.defineProperty(node, last, { value: v, enumerable: true, writable: true, configurable: true });
  }
}

const journalHeader = (nonce: Buffer): Buffer => Buffer.concat([JOURNAL_MAGIC, nonce]);

interface Location {
  path: string;
  key: Uint8Array;
  profileId: string;
}

/** Writes a brand-new state database (profile creation and import): a snapshot and an empty journal. */
export async function createStateDatabase(path: string, key: Uint8Array, profileId: string, data: StateData): Promise<void> {
  await writeSnapshot({ path, key, profileId }, JSON.stringify(migrateState(data)));
}

/** Replaces the snapshot, then starts an empty journal bound to it; a crash in between leaves a journal the snapshot already contains. */
async function writeSnapshot({ path, key, profileId }: Location, json: string): Promise<Buffer> {
  const snapshot = seal(key, 'state', profileId, Buffer.from(json, 'utf8'));
  const nonce = nonceOf(snapshot);
  await writeFileAtomic(path, snapshot);
  await writeFileAtomic(journalPathOf(path), journalHeader(nonce));
  return nonce;
}

export class StateDatabase {
  private journal: FileHandle | undefined;
  private journalLength = 0;
  private records = 0;
  /** Set while the journal on disk may not extend the snapshot on disk: the next change writes a snapshot. */
  private needsSnapshot = true;
  private waiters: Waiter[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly location: Location,
    private readonly limits: JournalLimits,
    /** The live document; changes to it become durable with the next write(). */
    public data: StateData,
    /** The document as durable on disk. */
    private committed: Entries,
    private nonce: Buffer,
  ) {}

  /**
   * Loads the snapshot and replays its journal. A torn last record (a crash mid-write, never
   * acknowledged) is cut off; any other damage is CorruptFileError with both files moved aside, since
   * the snapshot alone would roll Signal ratchets back. A missing snapshot is an error too, never an
   * invitation to start empty: contacts and keys would be lost.
   */
  static async open(path: string, key: Uint8Array, profileId: string, limits: JournalLimits = DEFAULT_JOURNAL_LIMITS): Promise<StateDatabase> {
    const location = { path, key, profileId };
    const journalPath = journalPathOf(path);
    const snapshot = await readIfExists(path);
    if (snapshot === null) throw new MissingFileError(path);
    let raw: JsonObject;
    let nonce: Buffer;
    try {
      nonce = nonceOf(snapshot);
      const parsed: unknown = JSON.parse(unseal(key, 'state', profileId, snapshot).toString('utf8'));
      if (!isObject(parsed)) throw new SyntaxError('not an object');
      raw = parsed;
    } catch (error) {
      throw new CorruptFileError(path, describeDamage(error), await moveAside(path), { cause: error });
    }
    const corrupt = async (reason: string, cause?: unknown): Promise<never> => {
      const movedTo = await moveAside(journalPath);
      await moveAside(path);
      throw new CorruptFileError(journalPath, reason, movedTo, { cause });
    };
    const header = journalHeader(nonce);
    const journal = await readIfExists(journalPath);
    // No journal (a profile from before journals) or one a compaction replaced the snapshot of: start a fresh one.
    const stale = journal === null || (journal.length >= header.length && journal.subarray(0, JOURNAL_MAGIC.length).equals(JOURNAL_MAGIC) && !journal.subarray(0, header.length).equals(header));
    let validLength = 0;
    let tornBytes = 0;
    let records = 0;
    if (journal !== null && !stale) {
      const decoding = decodeLog(journal, (sealed, index) => unseal(key, 'state-record', recordContext(profileId, nonce, index), sealed), header);
      if (!decoding.ok) return corrupt(decoding.reason);
      try {
        for (const record of decoding.records) apply(raw, changesSchema.parse(JSON.parse(record.toString('utf8'))));
      } catch (error) {
        return corrupt('a record does not match the journal schema', error);
      }
      ({ validLength, tornBytes } = decoding);
      records = decoding.records.length;
    }
    let data: StateData;
    try {
      data = migrateState(raw);
    } catch (error) {
      if (error instanceof UnsupportedFormatError) throw new UnsupportedFormatError(path, error.version);
      if (records > 0) return corrupt(describeDamage(error), error);
      throw new CorruptFileError(path, describeDamage(error), await moveAside(path), { cause: error });
    }
    const db = new StateDatabase(location, limits, data, flatten(data, [], new Map()), nonce);
    if (stale || validLength < header.length || raw.formatVersion !== STATE_VERSION) {
      await db.compact(JSON.stringify(data));
    } else {
      db.journal = await open(journalPath, JOURNAL_FLAGS);
      if (tornBytes > 0) {
        await db.journal.truncate(validLength);
        await db.journal.sync();
      }
      db.journalLength = validLength;
      db.records = records;
      db.needsSnapshot = false;
    }
    return db;
  }

  /**
   * Makes the live document durable: one journal record of the entries that changed, appended with
   * one write. A document its schema rejects is refused (InvalidDocumentError) and nothing is written.
   * Writes requested while one runs are coalesced into the next; each promise settles once its data is durable.
   */
  write(): Promise<void> {
    // Once closing, a write would race the closing compaction (and could be acknowledged, then overwritten) or seal with a wiped key.
    if (this.closed) return Promise.reject(new ProfileLockedError());
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Puts the live document back to what is durable (after a refused write). */
  reload(): void {
    const doc: JsonObject = {};
    apply(doc, [...this.committed].map(([path, json]) => ({ p: JSON.parse(path) as string[], v: JSON.parse(json) as unknown })));
    this.data = migrateState(doc);
  }

  /** Settles once every write requested so far is on disk. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Finishes pending writes, folds the journal into a fresh snapshot and closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.records > 0) await this.compact(JSON.stringify(this.data)).catch(() => undefined);
    await this.journal?.close();
    this.journal = undefined;
  }

  private async drain(): Promise<void> {
    // Yield first: a drain that finished without awaiting would clear `draining` before write() set it.
    await Promise.resolve();
    while (this.waiters.length > 0) {
      const batch = this.waiters.splice(0);
      try {
        await this.commit();
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    this.draining = undefined;
  }

  private async commit(): Promise<void> {
    const json = JSON.stringify(this.data);
    // What cannot be read back must not reach the disk: validate exactly what would be stored.
    try {
      migrateState(JSON.parse(json));
    } catch (cause) {
      throw new InvalidDocumentError(this.location.path, { cause });
    }
    const entries = flatten(this.data, [], new Map());
    const change = diff(this.committed, entries);
    if (change === undefined) return;
    const { maxRecords, maxBytes } = this.limits;
    const { key, profileId } = this.location;
    const sealed = seal(key, 'state-record', recordContext(profileId, this.nonce, this.records), Buffer.from(change, 'utf8'));
    // A record larger than the log reader accepts would be taken for damage on the next open: such a change becomes a snapshot.
    const tooLarge = sealed.length > MAX_RECORD_BYTES;
    if (tooLarge || this.needsSnapshot || this.journal === undefined || this.records >= maxRecords || this.journalLength >= maxBytes) {
      await this.compact(json);
    } else {
      const bytes = encodeRecord(sealed);
      try {
        await this.journal.write(bytes, 0, bytes.length, this.journalLength);
        if (DSYNC === undefined) await this.journal.datasync();
      } catch (error) {
        // Later records must never follow a partial one.
        await this.journal.truncate(this.journalLength).catch(() => undefined);
        throw error;
      }
      this.journalLength += bytes.length;
      this.records += 1;
    }
    this.committed = entries;
  }

  /** Writes `json` as the new snapshot with an empty journal. */
  private async compact(json: string): Promise<void> {
    this.needsSnapshot = true;
    await this.journal?.close();
    this.journal = undefined;
    this.nonce = await writeSnapshot(this.location, json);
    this.journal = await open(journalPathOf(this.location.path), JOURNAL_FLAGS);
    this.journalLength = JOURNAL_MAGIC.length + this.nonce.length;
    this.records = 0;
    this.needsSnapshot = false;
  }
}

/** Binds a record to its profile, its snapshot and its position, so records cannot be moved, reordered or replayed elsewhere. */
function recordContext(profileId: string, nonce: Buffer, index: number): string {
  return `${profileId}/${nonce.toString('hex')}/${String(index)}`;
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
