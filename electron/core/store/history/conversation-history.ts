// One conversation's history in the profile's database: appends, pages newest first behind a cursor, lookup by id.
import { CorruptFileError, InvalidHistoryCursorError, InvalidPageSizeError, ProfileLockedError } from '../errors.js';
import type { Database } from '../sqlite/profile-database.js';
import type { WriteBatch } from '../sqlite/write-batch.js';
import { type HistoryMessage, historyMessageSchema } from './history-message.js';

/** Where a page ended: pass it back as `before` to get the next older page. */
export type HistoryCursor = string & { readonly brand: 'HistoryCursor' };

export interface HistoryPage {
  /** Newest first. */
  messages: HistoryMessage[];
  /** Cursor for the next older page, or null when this page reached the first message. */
  before: HistoryCursor | null;
  /** Stored messages that no longer match the message schema (written by a buggy build): skipped, named here. */
  damaged: CorruptFileError[];
}

export type MessageRow = {
  row: number;
  json: string;
};

/** Exactly the shape the history hands out: a positive whole number without leading zeros, small enough to be exact. */
const CURSOR_SHAPE = /^[1-9]\d{0,14}$/u;

/** A stored row as a message, or the damage that keeps it from being one. */
export function rowToMessage(path: string, row: MessageRow): HistoryMessage | CorruptFileError {
  try {
    return historyMessageSchema.parse(JSON.parse(row.json));
  } catch (error) {
    return new CorruptFileError(path, `message row ${String(row.row)} does not match the message schema`, undefined, { cause: error });
  }
}

/** The database answers at once; callers get a promise either way, rejected rather than thrown. */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Finds or creates the conversation's row; its id keys the messages. */
export function conversationRow(db: Database, conversationId: string): number {
  db.prepare('INSERT INTO conversations (name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING').run([conversationId, new Date().toISOString()]);
  return db.prepare('SELECT id FROM conversations WHERE name = ?', { pluck: true }).get([conversationId]) as number;
}

export class ConversationHistory {
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly batch: WriteBatch,
    /** The database file, named in errors. */
    private readonly path: string,
    readonly conversationId: string,
  ) {}

  /** Resolves once the message is durable (committed with synchronous=FULL, with the writes requested in the same turn). */
  append(message: HistoryMessage): Promise<void> {
    return this.appendMany([message]);
  }

  /**
   * Stores several messages in one transaction. A message whose id the conversation already holds is stored once:
   * the first copy stays (ids are envelope ids, and a redelivered envelope is the same message).
   */
  appendMany(messages: readonly HistoryMessage[]): Promise<void> {
    if (this.closed) return Promise.reject(new ProfileLockedError());
    if (messages.length === 0) return Promise.resolve();
    let parsed: HistoryMessage[];
    try {
      parsed = messages.map((raw) => historyMessageSchema.parse(raw));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    // Queued now, not a turn later: a state write requested just before shares this transaction.
    return this.batch.run(() => {
      const insert = this.db.prepare(
        'INSERT INTO messages (conversation, id, sent_at, stored_at, body, json) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(conversation, id) DO NOTHING',
      );
      const conversation = conversationRow(this.db, this.conversationId);
      for (const m of parsed) insert.run([conversation, m.id, m.sentAt, m.storedAt, m.body, JSON.stringify(m)]);
    });
  }

  /** A page of messages, newest first, older than `before` (or the newest ones). */
  page(request: { before?: HistoryCursor; limit: number }): Promise<HistoryPage> {
    return settle(() => this.readPage(request));
  }

  private readPage({ before, limit }: { before?: HistoryCursor; limit: number }): HistoryPage {
    if (this.closed) throw new ProfileLockedError();
    if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidPageSizeError(limit);
    const conversation = this.conversationIdRow();
    if (before !== undefined) this.checkCursor(before, conversation);
    if (conversation === undefined) return { messages: [], before: null, damaged: [] };
    const rows = this.db
      .prepare('SELECT row, json FROM messages WHERE conversation = ? AND row < ? ORDER BY row DESC LIMIT ?')
      .all<MessageRow>([conversation, before === undefined ? Number.MAX_SAFE_INTEGER : Number(before), limit + 1]);
    const more = rows.length > limit;
    const shown = rows.slice(0, limit);
    const messages: HistoryMessage[] = [];
    const damaged: CorruptFileError[] = [];
    for (const row of shown) {
      const message = rowToMessage(this.path, row);
      if (message instanceof CorruptFileError) damaged.push(message);
      else messages.push(message);
    }
    return { messages, before: more ? (String(shown.at(-1)!.row) as HistoryCursor) : null, damaged };
  }

  /** The stored message with this id, or undefined. */
  get(id: string): Promise<HistoryMessage | undefined> {
    return settle(() => this.readMessage(id));
  }

  private readMessage(id: string): HistoryMessage | undefined {
    if (this.closed) throw new ProfileLockedError();
    const conversation = this.conversationIdRow();
    if (conversation === undefined) return undefined;
    const row = this.db.prepare('SELECT row, json FROM messages WHERE conversation = ? AND id = ?').get<MessageRow>([conversation, id]);
    if (row === undefined) return undefined;
    const message = rowToMessage(this.path, row);
    if (message instanceof CorruptFileError) throw message;
    return message;
  }

  /** Later calls are refused with ProfileLockedError. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private conversationIdRow(): number | undefined {
    return this.db.prepare('SELECT id FROM conversations WHERE name = ?', { pluck: true }).get<number>([this.conversationId]);
  }

  /** Only a cursor this history handed out is a position in it: the row of one of its messages. */
  private checkCursor(before: string, conversation: number | undefined): void {
    if (!CURSOR_SHAPE.test(before)) throw new InvalidHistoryCursorError(before, 'expected the whole number a page returned');
    const found = conversation !== undefined && this.db.prepare('SELECT 1 FROM messages WHERE row = ? AND conversation = ?', { pluck: true }).get([Number(before), conversation]) !== undefined;
    if (!found) throw new InvalidHistoryCursorError(before, 'no message of this conversation is at that position');
  }
}
