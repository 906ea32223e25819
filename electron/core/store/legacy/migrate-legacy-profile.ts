// Moves a profile written before the database (sealed snapshot + journal, history segments) into it, once, on unlock.
import { access, open, rename, rm } from 'node:fs/promises';
import { syncDirectory } from '../atomic-write.js';
import type { DataKeys } from '../data-keys.js';
import type { CorruptFileError } from '../errors.js';
import type { HistoryMessage } from '../history/history-message.js';
import type { HistoryCursor } from './legacy-conversation-history.js';
import { DEFAULT_SEGMENT_LIMITS } from './legacy-conversation-history.js';
import { HistoryStore as LegacyHistoryStore } from './legacy-history-store.js';
import { StateDatabase as LegacyStateDatabase, journalPathOf } from './legacy-state-database.js';
import { moveAside } from '../quarantine.js';
import type { ProfilePaths } from '../profile-layout.js';
import { openProfileDatabase } from '../sqlite/profile-database.js';
import { writeInitialState } from '../state-database.js';
import { conversationRow } from '../history/conversation-history.js';

const PAGE = 1000;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The legacy files of a migrated profile: its state snapshot, its journal and its history folder. */
async function removeLegacyFiles(paths: ProfilePaths): Promise<void> {
  await rm(journalPathOf(paths.state), { force: true });
  await rm(paths.history, { recursive: true, force: true });
  // The snapshot last: while it is there, the next unlock knows there is something to clean up.
  await rm(paths.state, { force: true });
  await syncDirectory(paths.dir);
}

/**
 * If the profile is in the old format, writes its state and every message into a new database beside it, makes that
 * durable, renames it into place, and only then removes the old files. A crash before the rename leaves the old files
 * whole (the half-written database is discarded next time); after it, the old files are leftovers, removed. Damage the
 * old reader reports (segments it moved aside) is kept: the old history folder is then moved aside, not deleted.
 */
export async function migrateLegacyProfile(paths: ProfilePaths, keys: DataKeys, profileId: string): Promise<{ migrated: boolean; problems: CorruptFileError[] }> {
  if (!(await exists(paths.state))) return { migrated: false, problems: [] };
  if (await exists(paths.database)) {
    await removeLegacyFiles(paths);
    return { migrated: false, problems: [] };
  }
  const building = `${paths.database}.migrating`;
  for (const suffix of ['', '-wal', '-shm']) await rm(`${building}${suffix}`, { force: true });
  const state = await LegacyStateDatabase.open(paths.state, keys.state, profileId);
  const histories = new LegacyHistoryStore(paths.history, keys, DEFAULT_SEGMENT_LIMITS);
  const problems: CorruptFileError[] = [];
  const db = openProfileDatabase(building, keys.database);
  try {
    db.exec('BEGIN');
    writeInitialState(db, state.data);
    const listing = await histories.conversationIds();
    problems.push(...listing.problems);
    const insert = db.prepare('INSERT INTO messages (conversation, id, sent_at, stored_at, body, json) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(conversation, id) DO NOTHING');
    for (const conversationId of listing.ids) {
      const history = await histories.conversation(conversationId);
      problems.push(...history.problems);
      const newestFirst: HistoryMessage[] = [];
      let before: HistoryCursor | undefined;
      do {
        const page = await history.page({ before, limit: PAGE });
        problems.push(...page.damaged);
        newestFirst.push(...page.messages);
        before = page.before ?? undefined;
      } while (before !== undefined);
      const conversation = conversationRow(db, conversationId);
      for (const m of newestFirst.reverse()) insert.run([conversation, m.id, m.sentAt, m.storedAt, m.body, JSON.stringify(m)]);
    }
    db.exec('COMMIT');
    // Everything into the main file, then the write-ahead log emptied: the file renamed below is complete on its own.
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
    await histories.close();
    await state.close();
  }
  const handle = await open(building, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(building, paths.database);
  await syncDirectory(paths.dir);
  if (problems.length > 0) await moveAside(paths.history);
  await removeLegacyFiles(paths);
  return { migrated: true, problems };
}
