// A profile's conversations in its database: open, list, delete, and find messages by id or by words across them.
import { CorruptFileError, InvalidPageSizeError, InvalidSearchError, ProfileLockedError } from '../errors.js';
import type { Database } from '../sqlite/profile-database.js';
import type { WriteBatch } from '../sqlite/write-batch.js';
import { ConversationHistory, type MessageRow, rowToMessage, settle } from './conversation-history.js';
import type { HistoryMessage } from './history-message.js';

export interface FoundMessage {
  conversationId: string;
  message: HistoryMessage;
}

/** A search hit: the message, and where in its body the query's words matched (UTF-16 offsets, end exclusive). */
export interface SearchMatch extends FoundMessage {
  highlights: { start: number; end: number }[];
}

export interface SearchOptions {
  /** Only this conversation; all of them when absent. */
  conversation?: string;
  limit: number;
}

export const MAX_SEARCH_QUERY = 500;
export const MAX_SEARCH_RESULTS = 500;
const MAX_SEARCH_WORDS = 16;
/** Private-use characters around each match in FTS5's highlight(); a body that holds them itself gets no offsets. */
const OPEN = '\uE000';
const CLOSE = '\uE001';

interface FoundRow extends MessageRow {
  name: string;
}

/** The offsets of OPEN…CLOSE spans in `marked`, counted in the text without the markers. */
function highlightOffsets(marked: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let plain = 0;
  let start = -1;
  for (const char of marked) {
    if (char === OPEN) start = plain;
    else if (char === CLOSE && start >= 0) {
      spans.push({ start, end: plain });
      start = -1;
    } else plain += char.length;
  }
  return spans;
}

export class HistoryStore {
  private readonly open = new Map<string, ConversationHistory>();
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly batch: WriteBatch,
    /** The database file, named in errors. */
    private readonly path: string,
  ) {}

  /** The conversation's history, shared until close() or remove(). */
  conversation(conversationId: string): Promise<ConversationHistory> {
    return settle(() => {
      this.assertOpen();
      let history = this.open.get(conversationId);
      if (!history) {
        history = new ConversationHistory(this.db, this.batch, this.path, conversationId);
        this.open.set(conversationId, history);
      }
      return history;
    });
  }

  /** Deletes the conversation and its messages in one transaction; opening it again starts empty. */
  remove(conversationId: string): Promise<void> {
    if (this.closed) return Promise.reject(new ProfileLockedError());
    void this.open.get(conversationId)?.close();
    this.open.delete(conversationId);
    return this.batch.run(() => {
      this.db.prepare('DELETE FROM conversations WHERE name = ?').run([conversationId]);
    });
  }

  /** Every conversation with stored messages. */
  conversationIds(): Promise<{ ids: string[]; problems: CorruptFileError[] }> {
    return settle(() => {
      this.assertOpen();
      const ids = this.db.prepare('SELECT name FROM conversations c WHERE EXISTS (SELECT 1 FROM messages m WHERE m.conversation = c.id) ORDER BY id', { pluck: true }).all<string>();
      return { ids, problems: [] };
    });
  }

  /** The message with this id in `conversation`, or in any conversation (the newest such) when it is undefined. */
  getMessage(conversation: string | undefined, id: string): Promise<FoundMessage | undefined> {
    return settle(() => {
      this.assertOpen();
      const select = 'SELECT m.row, m.json, c.name FROM messages m JOIN conversations c ON c.id = m.conversation WHERE m.id = ?';
      const row = (conversation === undefined
        ? this.db.prepare(`${select} ORDER BY m.row DESC LIMIT 1`).get([id])
        : this.db.prepare(`${select} AND c.name = ?`).get([id, conversation])) as FoundRow | undefined;
      if (row === undefined) return undefined;
      const message = rowToMessage(this.path, row);
      if (message instanceof CorruptFileError) throw message;
      return { conversationId: row.name, message };
    });
  }

  /**
   * Messages whose text holds every word of `query` (each word also as a prefix, accents and case ignored by Signal's
   * tokenizer), newest first. The query is split into words here and never reaches FTS5 as syntax.
   */
  search(query: string, { conversation, limit }: SearchOptions): Promise<SearchMatch[]> {
    return settle(() => {
      this.assertOpen();
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_SEARCH_RESULTS) throw new InvalidPageSizeError(limit);
      if (query.length > MAX_SEARCH_QUERY) throw new InvalidSearchError(`a query is at most ${String(MAX_SEARCH_QUERY)} characters`);
      const words = this.db.signalTokenize(query);
      if (words.length === 0) return [];
      if (words.length > MAX_SEARCH_WORDS) throw new InvalidSearchError(`a query is at most ${String(MAX_SEARCH_WORDS)} words`);
      const match = words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(' ');
      const select = `SELECT m.row, m.json, c.name, highlight(messages_fts, 0, '${OPEN}', '${CLOSE}') AS marked
        FROM messages_fts JOIN messages m ON m.row = messages_fts.rowid JOIN conversations c ON c.id = m.conversation
        WHERE messages_fts MATCH ?`;
      const rows = (conversation === undefined
        ? this.db.prepare(`${select} ORDER BY messages_fts.rowid DESC LIMIT ?`).all([match, limit])
        : this.db.prepare(`${select} AND c.name = ? ORDER BY messages_fts.rowid DESC LIMIT ?`).all([match, conversation, limit])) as unknown as (FoundRow & { marked: string })[];
      const matches: SearchMatch[] = [];
      for (const row of rows) {
        const message = rowToMessage(this.path, row);
        if (message instanceof CorruptFileError) continue;
        const plainMarkers = message.body.includes(OPEN) || message.body.includes(CLOSE);
        matches.push({ conversationId: row.name, message, highlights: plainMarkers ? [] : highlightOffsets(row.marked) });
      }
      return matches;
    });
  }

  /** Refuses later calls, and settles once every append already queued is durable. */
  async close(): Promise<void> {
    this.closed = true;
    for (const history of this.open.values()) await history.close();
    this.open.clear();
    await this.batch.idle();
  }

  private assertOpen(): void {
    if (this.closed) throw new ProfileLockedError();
  }
}
