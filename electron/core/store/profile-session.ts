// An unlocked profile: its state, its history, and the operations that need the data key.
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { encodeBackup } from './backup-file.js';
import { type DataKeys, wipe } from './data-keys.js';
import { ProfileLockedError, WeakPasswordError } from './errors.js';
import type { ConversationHistory, HistoryCursor } from './history/conversation-history.js';
import type { HistoryMessage } from './history/history-message.js';
import { type FoundMessage, HistoryStore, type SearchMatch, type SearchOptions } from './history/history-store.js';
import type { ScryptParams } from './kdf.js';
import { checkPasswordStrength } from './password-strength.js';
import type { ProfilePaths } from './profile-layout.js';
import { ProfileState } from './profile-state.js';
import type { Database } from './sqlite/profile-database.js';
import type { WriteBatch } from './sqlite/write-batch.js';
import type { StateDatabase } from './state-database.js';
import { type Vault, readVault, rewrapVault, writeVault } from './vault.js';

export interface ProfileSummary {
  id: string;
  /** The non-secret name shown in the profile chooser before unlocking. */
  label: string;
  createdAt: string;
}

export interface ExportBackupOptions {
  passphrase: string;
  includeHistory: boolean;
  /** Also write the backup to this file (atomically, mode 0600). */
  file?: string;
}

export interface SessionContext {
  paths: ProfilePaths;
  vault: Vault;
  dataKey: Buffer;
  keys: DataKeys;
  db: StateDatabase;
  /** The SQLCipher database that holds the state and the history; closed by lock(). */
  database: Database;
  /** Commits the state's and the history's writes of one turn in one transaction. */
  batch: WriteBatch;
  kdf: ScryptParams;
  /** Verifies a password against the vault through the store's throttle. */
  checkPassword: (vault: Vault, password: string) => Promise<Buffer>;
  onLock: () => Promise<void>;
}

const EXPORT_PAGE = 1000;

export class ProfileSession {
  readonly profile: ProfileSummary;
  readonly state: ProfileState;
  private readonly histories: HistoryStore;
  private locked = false;
  private locking: Promise<void> | undefined;

  constructor(private readonly context: SessionContext) {
    const { vault, db, database, batch, paths } = context;
    this.profile = { id: vault.profileId, label: vault.label, createdAt: vault.createdAt };
    this.state = new ProfileState(db);
    this.histories = new HistoryStore(database, batch, paths.database);
  }

  get isLocked(): boolean {
    return this.locked;
  }

  /** Where the profile's files are kept, sealed: sent ones, received ones, and downloads in progress. */
  get filesDir(): string {
    return join(this.context.paths.dir, 'files');
  }

  /** The conversation's history; check its `problems` for damage found while opening it. */
  history(conversationId: string): Promise<ConversationHistory> {
    this.assertUnlocked();
    return this.histories.conversation(conversationId);
  }

  /** Deletes the conversation's stored history for good (its contact was removed). */
  deleteHistory(conversationId: string): Promise<void> {
    this.assertUnlocked();
    return this.histories.remove(conversationId);
  }

  /** Ids of the conversations that have stored history. */
  async conversations(): Promise<string[]> {
    this.assertUnlocked();
    return (await this.histories.conversationIds()).ids;
  }

  /** The message with this id in `conversationId`, or in any conversation when that is undefined. */
  getMessage(conversationId: string | undefined, id: string): Promise<FoundMessage | undefined> {
    this.assertUnlocked();
    return this.histories.getMessage(conversationId, id);
  }

  /** Messages holding every word of `query`, newest first, with the offsets of the matched words in each body. */
  search(query: string, options: SearchOptions): Promise<SearchMatch[]> {
    this.assertUnlocked();
    return this.histories.search(query, options);
  }

  /** SQLite's `PRAGMA integrity_check` of the profile's database: ['ok'] when it is sound. */
  checkIntegrity(): string[] {
    this.assertUnlocked();
    return (this.context.database.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
  }

  /** Re-wraps the data key under the new password; no other file is touched. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    this.assertUnlocked();
    const strength = checkPasswordStrength(newPassword);
    if (!strength.ok) throw new WeakPasswordError(strength.reason ?? 'too weak');
    // A copy: lock() zeroes the session's key in place, and a lock while scrypt runs would otherwise wrap zeros.
    const dataKey = Buffer.from(this.context.dataKey);
    try {
      const vault = await readVault(this.context.paths.vault);
      (await this.context.checkPassword(vault, currentPassword)).fill(0);
      await writeVault(this.context.paths.vault, await rewrapVault(vault, dataKey, newPassword, this.context.kdf));
    } finally {
      dataKey.fill(0);
    }
  }

  /** The bytes of one passphrase-encrypted backup file: identity, contacts, settings and optionally history. */
  async exportBackup({ file, passphrase, includeHistory }: ExportBackupOptions): Promise<Buffer> {
    this.assertUnlocked();
    const strength = checkPasswordStrength(passphrase);
    if (!strength.ok) throw new WeakPasswordError(strength.reason ?? 'too weak');
    await this.context.db.flush();
    const history = includeHistory ? await this.allHistory() : null;
    const contents = { formatVersion: 1 as const, exportedAt: new Date().toISOString(), label: this.profile.label, state: this.state.snapshot(), history };
    const backup = await encodeBackup(contents, passphrase, this.context.kdf);
    if (file !== undefined) await writeFileAtomic(file, backup);
    return backup;
  }

  /** Finishes pending writes, closes every file and forgets the keys. Idempotent: a second call settles with the first. */
  lock(): Promise<void> {
    this.locking ??= this.close();
    return this.locking;
  }

  private async close(): Promise<void> {
    this.locked = true;
    // Staged changes (Signal ratchet steps not yet carried by a message write) are kept, not dropped.
    // If that last write fails the profile is still closed (files, keys, process lock), then the failure reported:
    // a half-locked session would stay registered and be handed back, dead, by every later unlock.
    let failure: { error: unknown } | undefined;
    try {
      await this.state.persist();
    } catch (error) {
      failure = { error };
    }
    try {
      await this.context.db.close();
      await this.histories.close();
    } finally {
      this.state.close();
      this.context.database.close();
      const { dataKey, keys } = this.context;
      dataKey.fill(0);
      wipe(keys);
      await this.context.onLock();
    }
    if (failure) throw failure.error;
  }

  private async allHistory(): Promise<{ conversationId: string; messages: HistoryMessage[] }[]> {
    const result: { conversationId: string; messages: HistoryMessage[] }[] = [];
    for (const conversationId of await this.conversations()) {
      const history = await this.history(conversationId);
      const newestFirst: HistoryMessage[] = [];
      let before: HistoryCursor | undefined;
      do {
        const page = await history.page({ before, limit: EXPORT_PAGE });
        newestFirst.push(...page.messages);
        before = page.before ?? undefined;
      } while (before !== undefined);
      result.push({ conversationId, messages: newestFirst.reverse() });
    }
    return result;
  }

  private assertUnlocked(): void {
    if (this.locked) throw new ProfileLockedError();
  }
}
