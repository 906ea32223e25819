// Tests for the state journal: changes append records, replay on open, torn tails, damage, compaction, refused documents.
import { randomBytes } from 'node:crypto';
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptFileError, InvalidDocumentError, MissingFileError } from '../errors.js';
import { createStateDatabase, journalPathOf, StateDatabase } from './legacy-state-database.js';
import { migrateState } from '../migrations/index.js';
import { tempRoot } from '../test-fixtures.js';

const KEY = randomBytes(32);
const PROFILE = '0123456789abcdef';
let dir: string;
let path: string;
const opened: StateDatabase[] = [];

const fresh = () => migrateState({ formatVersion: 0, profile: { nickname: 'Journal', createdAt: '2026-01-01T00:00:00.000Z' } });
const openDb = async (limits = { maxRecords: 500, maxBytes: 256 * 1024 }): Promise<StateDatabase> => {
  const db = await StateDatabase.open(path, KEY, PROFILE, limits);
  opened.push(db);
  return db;
};
const put = async (db: StateDatabase, key: string): Promise<void> => {
  db.data.signalRecords.session[key] = Buffer.from(key).toString('base64');
  await db.write();
};

beforeEach(async () => {
  dir = await tempRoot();
  path = join(dir, 'state.sealed');
  await createStateDatabase(path, KEY, PROFILE, fresh());
});
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('state journal', () => {
  it('appends one record per change, leaves the snapshot alone, and replays on open', async () => {
    const snapshot = await readFile(path);
    const db = await openDb();
    await put(db, 'a');
    await put(db, 'b');
    delete db.data.signalRecords.session.a;
    db.data.identity.onionSeed = null;
    db.data.profile.nickname = 'Renamed';
    await db.write();
    const length = (await stat(journalPathOf(path))).size;
    await db.write(); // nothing changed: nothing written
    expect((await stat(journalPathOf(path))).size).toBe(length);
    expect(await readFile(path)).toEqual(snapshot);
    const again = await openDb();
    expect(Object.keys(again.data.signalRecords.session)).toEqual(['b']);
    expect(again.data.profile.nickname).toBe('Renamed');
    expect(again.data).toEqual(db.data);
  });

  it('drops a torn last record, which was never acknowledged', async () => {
    const db = await openDb();
    await put(db, 'a');
    await put(db, 'b');
    const journal = await readFile(journalPathOf(path));
    await writeFile(journalPathOf(path), journal.subarray(0, journal.length - 7));
    const again = await openDb();
    expect(Object.keys(again.data.signalRecords.session)).toEqual(['a']);
    await put(again, 'c');
    expect(Object.keys((await openDb()).data.signalRecords.session)).toEqual(['a', 'c']);
  });

  it('reports damage before the end as corruption, moves both files aside, and never starts empty', async () => {
    const db = await openDb();
    await put(db, 'a');
    await put(db, 'b');
    const journal = await readFile(journalPathOf(path));
    journal[30] = journal[30]! ^ 0xff;
    await writeFile(journalPathOf(path), journal);
    const failure = await openDb().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CorruptFileError);
    expect((failure as CorruptFileError).path).toBe(journalPathOf(path));
    expect((await readdir(dir)).filter((f) => f.includes('.corrupt-'))).toHaveLength(2);
    await expect(openDb()).rejects.toThrow(MissingFileError);
  });

  it('compacts into a new snapshot past its bound and on close; a journal left from before a compaction is ignored', async () => {
    const db = await openDb({ maxRecords: 3, maxBytes: 1 << 20 });
    const oldJournal = await readFile(journalPathOf(path));
    for (const key of ['a', 'b', 'c', 'd', 'e']) await put(db, key);
    expect((await stat(journalPathOf(path))).size).toBeLessThan(oldJournal.length + 1000);
    // A crash between the new snapshot and the new journal leaves the old journal: it is already folded in.
    await writeFile(journalPathOf(path), oldJournal);
    expect(Object.keys((await openDb()).data.signalRecords.session)).toEqual(['a', 'b', 'c', 'd']);
    await put(db, 'f');
    await db.close();
    expect((await stat(journalPathOf(path))).size).toBe(oldJournal.length);
    expect(Object.keys((await openDb()).data.signalRecords.session)).toHaveLength(6);
  });

  it('writes a change too large for one journal record as a snapshot, so a crash right after it still opens', async () => {
    const db = await openDb();
    await put(db, 'a');
    // Many Signal records staged and persisted at once: one change of several megabytes.
    for (let i = 0; i < 40; i += 1) db.data.signalRecords['kyber-prekey'][String(i)] = randomBytes(64 * 1024).toString('base64');
    await db.write();
    // No close: as if the process died right after the write was acknowledged.
    const again = await openDb();
    expect(Object.keys(again.data.signalRecords['kyber-prekey'])).toHaveLength(40);
    expect(Object.keys(again.data.signalRecords.session)).toEqual(['a']);
  });

  it('refuses a document its schema rejects and goes back to what is durable', async () => {
    const db = await openDb();
    await put(db, 'a');
    db.data.profile.nickname = '';
    await expect(db.write()).rejects.toThrow(InvalidDocumentError);
    db.reload();
    expect(db.data.profile.nickname).toBe('Journal');
    expect((await openDb()).data).toEqual(db.data);
  });
});
