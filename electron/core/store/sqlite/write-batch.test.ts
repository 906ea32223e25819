// Tests for the write batch: a message and the state change requested with it commit in one transaction; a refused write alone is rolled back.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../errors.js';
import { HistoryStore } from '../history/history-store.js';
import { migrateState } from '../migrations/index.js';
import { StateDatabase, writeInitialState } from '../state-database.js';
import { outboxEntry, tempRoot } from '../test-fixtures.js';
import { type Database, openProfileDatabase } from './profile-database.js';
import { WriteBatch } from './write-batch.js';

let dir: string;
let db: Database;
let commits: number;
const message = { id: 'm1', direction: 'out' as const, kind: 'text', body: 'hello', sentAt: 1, storedAt: 1 };

beforeEach(async () => {
  dir = await tempRoot();
  db = openProfileDatabase(join(dir, 'profile.db'), randomBytes(32));
  writeInitialState(db, migrateState({ formatVersion: 0, profile: { nickname: 'Zebulon', createdAt: '2026-01-01T00:00:00.000Z' } }));
  commits = 0;
  db.setWalHook(() => (commits += 1));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('WriteBatch', () => {
  it('commits a message and its outbox entry, requested together, in one transaction', async () => {
    const batch = new WriteBatch(db);
    const state = StateDatabase.open(db, batch, 'profile.db');
    const history = await new HistoryStore(db, batch, 'profile.db').conversation('peer.onion');
    state.data.outbox.m1 = { ...outboxEntry({ id: 'm1', to: 'peer.onion', envelope: Uint8Array.of(1) }), envelope: 'AQ==' };
    await Promise.all([history.append(message), state.write()]);
    expect(commits).toBe(1);
    // The messenger's order: the state change first, then the message.
    state.data.outbox.m2 = { ...state.data.outbox.m1, id: 'm2' };
    await Promise.all([state.write(), history.append({ ...message, id: 'm2' })]);
    expect(commits).toBe(2);
    expect((await history.get('m1'))?.body).toBe('hello');
    expect(Object.keys(StateDatabase.open(db, batch, 'profile.db').data.outbox).sort()).toEqual(['m1', 'm2']);
  });

  it('rolls back a refused write alone; the others in its transaction are kept', async () => {
    const batch = new WriteBatch(db);
    const state = StateDatabase.open(db, batch, 'profile.db');
    const history = await new HistoryStore(db, batch, 'profile.db').conversation('peer.onion');
    (state.data.settings as { theme: unknown }).theme = 42;
    const [appended, written] = await Promise.allSettled([history.append(message), state.write()]);
    expect(appended.status).toBe('fulfilled');
    expect(written.status === 'rejected' && written.reason instanceof InvalidDocumentError).toBe(true);
    expect(commits).toBe(1);
    state.reload();
    expect(state.data.settings.theme).not.toBe(42);
    expect((await history.get('m1'))?.body).toBe('hello');
  });
});
