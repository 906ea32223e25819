// Old format, read only by the migration (tests also write it, to make fixtures). One conversation's history: closed sealed segments of bounded size plus an append-only log for the open one.
import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from '../atomic-write.js';
import { CorruptFileError, InvalidHistoryCursorError, InvalidPageSizeError, ProfileLockedError } from '../errors.js';
import { moveAside } from '../quarantine.js';
import { SealedJsonAdapter } from './sealed-json-adapter.js';
import { seal, unseal } from '../sealed-file.js';
import { type HistoryMessage, type Segment, conversationHeaderSchema, historyMessageSchema, segmentSchema } from '../history/history-message.js';
import { LOG_MAGIC, decodeLog, encodeRecord } from './record-log.js';

export interface SegmentLimits {
  maxMessages: number;
  /** Sum of the messages' JSON sizes; a single larger message still gets a segment of its own. */
  maxBytes: number;
}

export const DEFAULT_SEGMENT_LIMITS: SegmentLimits = { maxMessages: 1000, maxBytes: 256 * 1024 };

/** Where a page ended: pass it back as `before` to get the next older page. */
export type HistoryCursor = string & { readonly brand: 'HistoryCursor' };

export interface HistoryPage {
  /** Newest first. */
  messages: HistoryMessage[];
  /** Cursor for the next older page, or null when this page reached the first message. */
  before: HistoryCursor | null;
  /** Segments found damaged while reading this page: moved aside, their messages skipped. */
  damaged: CorruptFileError[];
}

export interface ConversationHistoryOptions {
  dir: string;
  /** The keyed folder name, bound into every sealed blob so files cannot move between conversations. */
  folderName: string;
  conversationId: string;
  key: Uint8Array;
  limits: SegmentLimits;
}

interface Pending {
  message: HistoryMessage;
  json: Buffer;
  waiter?: { resolve: () => void; reject: (error: unknown) => void };
}

const HEADER_FILE = 'conversation.sealed';
/** Where the OS has O_DSYNC, each log write returns only once durable: one system call instead of two. */
const DSYNC: number | undefined = (constants as { O_DSYNC?: number }).O_DSYNC;
const LOG_FLAGS = constants.O_RDWR | (DSYNC ?? 0);
const SEGMENT_CACHE_SIZE = 4;
const seqName = (seq: number, ext: 'log' | 'segment'): string => `${String(seq).padStart(8, '0')}.${ext}`;
const SEQ_FILE = /^(\d{8})\.(log|segment)$/u;

function cursor(seq: number, index: number): HistoryCursor {
  return `${String(seq)}:${String(index)}` as HistoryCursor;
}

/** Exactly the shape `cursor` makes: two non-negative integers without leading zeros, small enough to be exact. */
const CURSOR_SHAPE = /^(0|[1-9]\d{0,14}):(0|[1-9]\d{0,14})$/u;

function parseCursor(value: string): { seq: number; index: number } {
  const match = CURSOR_SHAPE.exec(value);
  if (!match) throw new InvalidHistoryCursorError(value, 'expected two whole numbers written as <segment>:<position>');
  return { seq: Number(match[1]), index: Number(match[2]) };
}

export class ConversationHistory {
  /** Damage found while opening: moved aside and reported, the rest of the conversation is usable. */
  readonly problems: CorruptFileError[] = [];
  /** Bytes of an unacknowledged record cut from the end of the log on open (a crash mid-append). */
  tornBytesDropped = 0;

  private closedSeqs: number[] = [];
  private seq = 1;
  private current: HistoryMessage[] = [];
  private currentBytes = 0;
  private log: FileHandle | undefined;
  private logLength = 0;
  private closing: { seq: number; messages: HistoryMessage[] } | undefined;
  private compaction: Promise<void> = Promise.resolve();
  private readonly queue: Pending[] = [];
  private draining: Promise<void> | undefined;
  private readonly cache = new Map<number, HistoryMessage[]>();
  private readonly reading = new Set<Promise<HistoryPage>>();
  private folderExists = false;
  private closed = false;

  private constructor(private readonly options: ConversationHistoryOptions) {}

  static async open(options: ConversationHistoryOptions): Promise<ConversationHistory> {
    const history = new ConversationHistory(options);
    await history.load();
    return history;
  }

  /** Resolves once the message is durable (fsync'd); appends are written in order. */
  append(message: HistoryMessage): Promise<void> {
    return this.appendMany([message]);
  }

  /** Stores several messages with as few writes as the segment bounds allow. */
  async appendMany(messages: readonly HistoryMessage[]): Promise<void> {
    if (this.closed) throw new ProfileLockedError();
    if (messages.length === 0) return;
    const entries: Pending[] = messages.map((raw) => {
      const message = historyMessageSchema.parse(raw);
      return { message, json: Buffer.from(JSON.stringify(message), 'utf8') };
    });
    await new Promise<void>((resolve, reject) => {
      entries[entries.length - 1]!.waiter = { resolve, reject };
      this.queue.push(...entries);
      this.draining ??= this.drain();
    });
  }

  /** A page of messages, newest first, older than `before` (or the newest ones). */
  async page(request: { before?: HistoryCursor; limit: number }): Promise<HistoryPage> {
    // After close the session wipes the key: a segment read then would not authenticate and be quarantined as damaged.
    if (this.closed) throw new ProfileLockedError();
    const reading = this.readPage(request);
    this.reading.add(reading);
    try {
      return await reading;
    } finally {
      this.reading.delete(reading);
    }
  }

  /**
   * Every turn of the loop either returns or moves to a strictly older segment, so it ends whatever the
   * history holds; the start is checked first, as only a cursor this history handed out is a position in it.
   */
  private async readPage({ before, limit }: { before?: HistoryCursor; limit: number }): Promise<HistoryPage> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidPageSizeError(limit);
    let { seq, index } = before === undefined ? { seq: this.seq, index: this.current.length } : parseCursor(before);
    if (before !== undefined && seq !== this.seq && !this.closedSeqs.includes(seq)) {
      throw new InvalidHistoryCursorError(before, `there is no segment ${String(seq)}`);
    }
    const messages: HistoryMessage[] = [];
    const damaged: CorruptFileError[] = [];
    let segment = index > 0 ? await this.segmentMessages(seq, damaged) : [];
    // A damaged segment reads as empty: then the cursor is not at fault, and paging goes on with the older ones.
    if (before !== undefined && index > segment.length && damaged.length === 0) {
      throw new InvalidHistoryCursorError(before, `segment ${String(seq)} holds only ${String(segment.length)} messages`);
    }
    for (;;) {
      index = Math.min(index, segment.length);
      const take = Math.min(limit - messages.length, index);
      for (let i = index - 1; i >= index - take; i -= 1) messages.push(segment[i]!);
      index -= take;
      const older = this.previousSeq(seq);
      if (index === 0 && older === undefined) return { messages, before: null, damaged };
      if (messages.length >= limit || older === undefined) return { messages, before: cursor(seq, index), damaged };
      seq = older;
      segment = await this.segmentMessages(seq, damaged);
      index = segment.length;
    }
  }

  /** Waits for pending appends, pages being read and compaction, then releases the log file. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await this.draining;
    await Promise.allSettled(this.reading);
    await this.compaction;
    await this.log?.close();
    this.log = undefined;
    this.cache.clear();
  }

  private get dir(): string {
    return this.options.dir;
  }

  private recordContext(seq: number, index: number): string {
    return `${this.options.folderName}/${String(seq)}/${String(index)}`;
  }

  private segmentAdapter(seq: number): SealedJsonAdapter<Segment> {
    return new SealedJsonAdapter({
      path: join(this.dir, seqName(seq, 'segment')),
      key: this.options.key,
      role: 'history-segment',
      context: `${this.options.folderName}/${String(seq)}`,
      parse: (json) => {
        const segment = segmentSchema.parse(json);
        if (segment.seq !== seq) throw new Error(`segment says it is number ${String(segment.seq)}`);
        return segment;
      },
    });
  }

  private async load(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    // The header is written before any log, so a folder without one (a crash in between) holds nothing yet.
    this.folderExists = names.includes(HEADER_FILE);
    await Promise.all(names.filter((n) => n.endsWith('.tmp')).map((n) => rm(join(this.dir, n), { force: true })));
    const segments = new Set<number>();
    const logs: number[] = [];
    for (const name of names) {
      const match = SEQ_FILE.exec(name);
      if (!match) continue;
      if (match[2] === 'segment') segments.add(Number(match[1]));
      else logs.push(Number(match[1]));
    }
    logs.sort((a, b) => a - b);
    const lastSegment = [...segments].reduce((a, b) => Math.max(a, b), 0);
    // Only a log newer than every segment is the open one; any other is a compaction a crash (or a
    // failed write) interrupted, finished now.
    const newestLog = logs.at(-1);
    const openLog = newestLog !== undefined && newestLog > lastSegment ? newestLog : undefined;
    for (const seq of logs) {
      if (segments.has(seq)) await rm(join(this.dir, seqName(seq, 'log')), { force: true });
      else if (seq !== openLog) await this.compactStaleLog(seq, segments);
    }
    this.closedSeqs = [...segments].sort((a, b) => a - b);
    this.seq = (this.closedSeqs.at(-1) ?? 0) + 1;
    if (openLog !== undefined) {
      this.seq = openLog;
      await this.loadOpenLog();
    }
  }

  /** A log left behind by a crash during compaction: finish the compaction now. */
  private async compactStaleLog(seq: number, segments: Set<number>): Promise<void> {
    const path = join(this.dir, seqName(seq, 'log'));
    const messages = await this.readLog(seq, path);
    if (messages === undefined) return;
    await this.segmentAdapter(seq).write({ formatVersion: 1, seq, messages });
    await rm(path);
    await syncDirectory(this.dir);
    segments.add(seq);
  }

  private async loadOpenLog(): Promise<void> {
    const path = join(this.dir, seqName(this.seq, 'log'));
    const messages = await this.readLog(this.seq, path, true);
    if (messages === undefined) {
      this.seq += 1;
      return;
    }
    this.current = messages;
    this.currentBytes = messages.reduce((sum, m) => sum + Buffer.byteLength(JSON.stringify(m)), 0);
    if (this.logLength < LOG_MAGIC.length) {
      await rm(path, { force: true });
      return;
    }
    this.log = await open(path, LOG_FLAGS);
    if (this.tornBytesDropped > 0) {
      await this.log.truncate(this.logLength);
      await this.log.sync();
    }
  }

  /** Messages of a log, or undefined when it is damaged (then moved aside and reported). */
  private async readLog(seq: number, path: string, isOpenLog = false): Promise<HistoryMessage[] | undefined> {
    const bytes = await readFile(path);
    const decoding = decodeLog(bytes, (sealed, index) => unseal(this.options.key, 'history-record', this.recordContext(seq, index), sealed));
    let reason = decoding.ok ? undefined : decoding.reason;
    let messages: HistoryMessage[] = [];
    if (decoding.ok) {
      try {
        messages = decoding.records.map((r) => historyMessageSchema.parse(JSON.parse(r.toString('utf8'))));
      } catch {
        reason = 'a record does not match the message schema';
      }
    }
    if (reason !== undefined || !decoding.ok) {
      this.problems.push(new CorruptFileError(path, reason ?? 'damaged', await moveAside(path)));
      return undefined;
    }
    if (isOpenLog) {
      this.logLength = decoding.validLength;
      this.tornBytesDropped = decoding.tornBytes;
    }
    return messages;
  }

  private async drain(): Promise<void> {
    // Yield first: a drain that finished without awaiting would clear `draining` before appendMany set it.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const first = this.queue[0]!;
      if (this.current.length > 0 && !this.fits(first, 0, 0)) await this.rotate();
      const chunk = this.takeChunk();
      try {
        const log = await this.ensureLog();
        const start = this.current.length;
        const bytes = Buffer.concat(
          chunk.map((p, i) => encodeRecord(seal(this.options.key, 'history-record', this.recordContext(this.seq, start + i), p.json))),
        );
        await log.write(bytes, 0, bytes.length, this.logLength);
        if (DSYNC === undefined) await log.datasync();
        this.logLength += bytes.length;
        for (const p of chunk) {
          this.current.push(p.message);
          this.currentBytes += p.json.length;
        }
        for (const p of chunk) p.waiter?.resolve();
      } catch (error) {
        await this.log?.truncate(this.logLength).catch(() => undefined);
        // A batch from appendMany may span chunks: fail the rest of it too, so no caller waits forever.
        const batchContinues = chunk.at(-1)?.waiter === undefined;
        const failed = [...chunk, ...(batchContinues ? this.queue.splice(0, this.queue.findIndex((p) => p.waiter !== undefined) + 1) : [])];
        for (const p of failed) p.waiter?.reject(error);
      }
    }
    this.draining = undefined;
  }

  private fits(entry: Pending, extraMessages: number, extraBytes: number): boolean {
    const { maxMessages, maxBytes } = this.options.limits;
    const count = this.current.length + extraMessages;
    return count === 0 || (count < maxMessages && this.currentBytes + extraBytes + entry.json.length <= maxBytes);
  }

  private takeChunk(): Pending[] {
    const chunk: Pending[] = [];
    let bytes = 0;
    for (const entry of this.queue) {
      if (!this.fits(entry, chunk.length, bytes)) break;
      chunk.push(entry);
      bytes += entry.json.length;
    }
    this.queue.splice(0, chunk.length);
    return chunk;
  }

  private async ensureLog(): Promise<FileHandle> {
    if (this.log) return this.log;
    if (!this.folderExists) await this.createFolder();
    // O_EXCL: a log is only ever created fresh; an existing one holds acknowledged messages.
    const path = join(this.dir, seqName(this.seq, 'log'));
    const log = await open(path, LOG_FLAGS | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await log.write(LOG_MAGIC, 0, LOG_MAGIC.length, 0);
      await log.sync();
      await syncDirectory(this.dir);
    } catch (error) {
      // Nothing acknowledged is in it yet: remove it, or O_EXCL would refuse every later append (a full disk, freed).
      await log.close().catch(() => undefined);
      await rm(path, { force: true });
      throw error;
    }
    this.log = log;
    this.logLength = LOG_MAGIC.length;
    return log;
  }

  private async createFolder(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const header = new SealedJsonAdapter({
      path: join(this.dir, HEADER_FILE),
      key: this.options.key,
      role: 'conversation',
      context: this.options.folderName,
      parse: (json) => conversationHeaderSchema.parse(json),
    });
    await header.write({ formatVersion: 1, conversationId: this.options.conversationId, createdAt: new Date().toISOString() });
    await syncDirectory(join(this.dir, '..'));
    this.folderExists = true;
  }

  /** Closes the open segment: new appends go to a fresh log while the full one is sealed in the background. */
  private async rotate(): Promise<void> {
    await this.compaction;
    const closing = { seq: this.seq, messages: this.current };
    const log = this.log;
    this.closing = closing;
    this.closedSeqs.push(closing.seq);
    this.seq += 1;
    this.current = [];
    this.currentBytes = 0;
    this.log = undefined;
    this.logLength = 0;
    this.compaction = this.compact(closing, log);
  }

  private async compact(closing: { seq: number; messages: HistoryMessage[] }, log: FileHandle | undefined): Promise<void> {
    try {
      await log?.close();
      await this.segmentAdapter(closing.seq).write({ formatVersion: 1, seq: closing.seq, messages: closing.messages });
      await rm(join(this.dir, seqName(closing.seq, 'log')), { force: true });
      await syncDirectory(this.dir);
    } catch {
      // The full log is still on disk and valid: the next open finishes this compaction.
    }
    if (this.closing === closing) this.closing = undefined;
  }

  private previousSeq(seq: number): number | undefined {
    for (let i = this.closedSeqs.length - 1; i >= 0; i -= 1) {
      const candidate = this.closedSeqs[i]!;
      if (candidate < seq) return candidate;
    }
    return undefined;
  }

  private async segmentMessages(seq: number, damaged: CorruptFileError[]): Promise<HistoryMessage[]> {
    if (seq === this.seq) return this.current;
    if (this.closing?.seq === seq) return this.closing.messages;
    const cached = this.cache.get(seq);
    if (cached) return cached;
    let messages: HistoryMessage[];
    try {
      messages = (await this.segmentAdapter(seq).read())?.messages ?? (await this.readUncompactedLog(seq, damaged));
    } catch (error) {
      if (!(error instanceof CorruptFileError)) throw error;
      damaged.push(error);
      this.closedSeqs = this.closedSeqs.filter((s) => s !== seq);
      return [];
    }
    if (this.cache.size >= SEGMENT_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(seq, messages);
    return messages;
  }

  /** A closed segment whose compaction failed is still readable from its log. */
  private async readUncompactedLog(seq: number, damaged: CorruptFileError[]): Promise<HistoryMessage[]> {
    const before = this.problems.length;
    const messages = await this.readLog(seq, join(this.dir, seqName(seq, 'log'))).catch(() => []);
    damaged.push(...this.problems.splice(before));
    return messages ?? [];
  }
}
