// Tests for the state rows: a change writes only its entries, refused changes write nothing, reopening rebuilds the document.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptFileError, InvalidDocumentError, MissingFileError, ProfileLockedError } from './errors.js';
import { migrateState } from './migrations/index.js';
import { type Database, openProfileDatabase } from './sqlite/profile-database.js';
import { WriteBatch } from './sqlite/write-batch.js';
import { StateDatabase, writeInitialState } from './state-database.js';
import { contactRecord, tempRoot } from './test-fixtures.js';

let dir: string;
let path: string;
let db: Database;
const key = randomBytes(32);
const address = (i: number): string => `${String(i % 10).repeat(56)}.onion`;

beforeEach(async () => {
  dir = await tempRoot();
  path = join(dir, 'profile.db');
  db = openProfileDatabase(path, key);
  writeInitialState(db, migrateState({ formatVersion: 0, profile: { nickname: 'Zebulon', createdAt: '2026-01-01T00:00:00.000Z' } }));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const changesOf = (work: () => Promise<void>): Promise<number> => {
  const before = Number(db.prepare('SELECT total_changes()', { pluck: true }).get());
  return work().then(() => Number(db.prepare('SELECT total_changes()', { pluck: true }).get()) - before);
};

describe('StateDatabase', () => {
  it('writes only the entries a change touched, whatever else the state holds', async () => {
    const state = StateDatabase.open(db, new WriteBatch(db), path);
    for (let i = 0; i < 5; i += 1) state.data.contacts[address(i)] = contactRecord({ address: address(i), nickname: 'x'.repeat(60) });
    expect(await changesOf(() => state.write())).toBe(6); // five contacts, and the empty map's own row goes
    state.data.settings.theme = 'dark';
    expect(await changesOf(() => state.write())).toBe(1);
    expect(await changesOf(() => state.write())).toBe(0);
    delete state.data.contacts[address(0)];
    expect(await changesOf(() => state.write())).toBe(1);
    const again = StateDatabase.open(db, new WriteBatch(db), path);
    expect(again.data).toEqual(state.data);
    expect(Object.keys(again.data.contacts)).toHaveLength(4);
  });

  it('coalesces writes requested together into one transaction', async () => {
    const state = StateDatabase.open(db, new WriteBatch(db), path);
    const writes = Array.from({ length: 5 }, (_, i) => {
      state.data.contacts[address(i)] = contactRecord({ address: address(i), nickname: `n${String(i)}` });
      return state.write();
    });
    await Promise.all(writes);
    expect(Object.keys(StateDatabase.open(db, new WriteBatch(db), path).data.contacts)).toHaveLength(5);
  });

  it('refuses a change its schema rejects, and writes nothing of it', async () => {
    const state = StateDatabase.open(db, new WriteBatch(db), path);
    const bad: ((data: Record<string, unknown>) => void)[] = [
      (d) => ((d.settings as Record<string, unknown>).theme = 42),
      (d) => delete (d.profile as Record<string, unknown>).nickname,
      (d) => delete d.contacts,
      (d) => (d.contacts = null),
      (d) => ((d.contacts as Record<string, unknown>)[address(1)] = { address: 'half a contact' }),
      (d) => (d.unknownCollection = {}),
      (d) => delete (d.signalRecords as Record<string, unknown>).session,
    ];
    for (const change of bad) {
      change(state.data);
      await expect(state.write()).rejects.toThrow(InvalidDocumentError);
      state.reload();
    }
    expect(StateDatabase.open(db, new WriteBatch(db), path).data).toEqual(state.data);
    expect(state.data.profile.nickname).toBe('Zebulon');
  });

  it('refuses an empty database and entries that do not make a state; refuses writes once closed', async () => {
    const state = StateDatabase.open(db, new WriteBatch(db), path);
    await state.close();
    await expect(state.write()).rejects.toThrow(ProfileLockedError);
    db.prepare("UPDATE state_entries SET value = '\"not a theme\"' WHERE path = '[\"settings\",\"theme\"]'").run();
    expect(() => StateDatabase.open(db, new WriteBatch(db), path)).toThrow(CorruptFileError);
    db.prepare("UPDATE state_entries SET value = 'not json' WHERE path = '[\"settings\",\"theme\"]'").run();
    expect(() => StateDatabase.open(db, new WriteBatch(db), path)).toThrow(CorruptFileError);
    db.exec('DELETE FROM state_entries');
    expect(() => StateDatabase.open(db, new WriteBatch(db), path)).toThrow(MissingFileError);
  });
});
