// A profile's history folder: one sub-folder per conversation, named by a keyed hash of the conversation id.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DataKeys, conversationFolderName } from '../data-keys.js';
import { CorruptFileError, ProfileLockedError } from '../errors.js';
import { SealedJsonAdapter } from '../sealed-json-adapter.js';
import { ConversationHistory, type SegmentLimits } from './conversation-history.js';
import { conversationHeaderSchema } from './history-message.js';

export class HistoryStore {
  private readonly open = new Map<string, Promise<ConversationHistory>>();
  private readonly listing = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly keys: DataKeys,
    private readonly limits: SegmentLimits,
  ) {}

  /** The conversation's history, opened once and shared until close(). */
  conversation(conversationId: string): Promise<ConversationHistory> {
    let history = this.open.get(conversationId);
    if (!history) {
      const folderName = conversationFolderName(this.keys, conversationId);
      history = ConversationHistory.open({ dir: join(this.dir, folderName), folderName, conversationId, key: this.keys.history, limits: this.limits });
      this.open.set(conversationId, history);
      history.catch(() => this.open.delete(conversationId));
    }
    return history;
  }

  /** Every conversation with stored history; a damaged header is reported and its folder skipped. */
  async conversationIds(): Promise<{ ids: string[]; problems: CorruptFileError[] }> {
    // After close the session wipes the key: a header read then would not authenticate and be quarantined as damaged.
    if (this.closed) throw new ProfileLockedError();
    const listing = this.readConversationIds();
    this.listing.add(listing);
    try {
      return await listing;
    } finally {
      this.listing.delete(listing);
    }
  }

  private async readConversationIds(): Promise<{ ids: string[]; problems: CorruptFileError[] }> {
    let folders: string[];
    try {
      folders = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ids: [], problems: [] };
      throw error;
    }
    const ids: string[] = [];
    const problems: CorruptFileError[] = [];
    for (const folderName of folders.filter((name) => /^[0-9a-f]{32}$/u.test(name))) {
      const path = join(this.dir, folderName, 'conversation.sealed');
      const adapter = new SealedJsonAdapter({
        path,
        key: this.keys.history,
        role: 'conversation',
        context: folderName,
        parse: (json) => conversationHeaderSchema.parse(json),
      });
      try {
        const header = await adapter.read();
        if (header && conversationFolderName(this.keys, header.conversationId) === folderName) ids.push(header.conversationId);
      } catch (error) {
        if (error instanceof CorruptFileError) problems.push(error);
        else throw error;
      }
    }
    return { ids, problems };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.listing);
    const histories = await Promise.allSettled(this.open.values());
    this.open.clear();
    for (const result of histories) if (result.status === 'fulfilled') await result.value.close();
  }
}
