// Old format, read only by the migration: a profile's history folder: one sub-folder per conversation, named by a keyed hash of the conversation id.
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from '../atomic-write.js';
import { type DataKeys, conversationFolderName } from '../data-keys.js';
import { CorruptFileError, ProfileLockedError } from '../errors.js';
import { SealedJsonAdapter } from './sealed-json-adapter.js';
import { ConversationHistory, type SegmentLimits } from './legacy-conversation-history.js';
import { conversationHeaderSchema } from '../history/history-message.js';

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

  /**
   * Deletes the conversation's history: closed if open, its folder renamed out of the listing in one atomic step (a
   * crash leaves it whole or gone from view, never half), then removed. Opening it again starts an empty conversation.
   */
  async remove(conversationId: string): Promise<void> {
    if (this.closed) throw new ProfileLockedError();
    const open = this.open.get(conversationId);
    this.open.delete(conversationId);
    if (open) await open.then((history) => history.close(), () => undefined);
    const folder = join(this.dir, conversationFolderName(this.keys, conversationId));
    // Not a 32-hex name, so the listing skips it; a leftover of an earlier crash is cleared first.
    const doomed = `${folder}.deleted`;
    await rm(doomed, { recursive: true, force: true });
    try {
      await rename(folder, doomed);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await syncDirectory(this.dir);
    await rm(doomed, { recursive: true, force: true });
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
