// Tests for the one-time migration: a profile written in the old format (made here with the old code) opens from the database.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveDataKeys } from '../data-keys.js';
import type { HistoryMessage } from '../history/history-message.js';
import { type HistoryCursor, type ProfileSession, createProfileStore } from '../index.js';
import { migrateState } from '../migrations/index.js';
import { profilePaths } from '../profile-layout.js';
import type { StateData } from '../state-schema.js';
import { FAST_KDF, GOOD_PASSWORD, contactRecord, filesContaining, tempRoot } from '../test-fixtures.js';
import { createVault, writeVault } from '../vault.js';
import { HistoryStore as LegacyHistoryStore } from './legacy-history-store.js';
import { StateDatabase as LegacyStateDatabase, createStateDatabase } from './legacy-state-database.js';

let root: string;
const PROFILE = '0123456789abcdef';
const CONTACTS = Array.from({ length: 5 }, (_, i) => `${String(i).repeat(56).slice(0, 56)}.onion`);
const GROUP = 'ab'.repeat(16);
const messages = (peer: string, count: number): HistoryMessage[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${peer.slice(0, 8)}-${String(i)}`, direction: 'in', kind: 'text', body: `secret words ${String(i)} from ${peer.slice(0, 4)}`, sentAt: i, storedAt: i }));

beforeEach(async () => {
  root = await tempRoot();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A profile exactly as the store wrote it before the database: vault, snapshot plus journal, segmented history. */
async function writeLegacyProfile(): Promise<StateData> {
  const paths = profilePaths(root, PROFILE);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const { vault, dataKey } = await createVault(PROFILE, 'Old one', GOOD_PASSWORD, FAST_KDF, new Date('2026-01-01T00:00:00Z'));
  await writeVault(paths.vault, vault);
  const keys = deriveDataKeys(dataKey);
  const doc = migrateState({ formatVersion: 0, profile: { nickname: 'Zebulon', createdAt: '2026-01-01T00:00:00.000Z' } });
  doc.identity.onionSeed = randomBytes(32).toString('base64');
  await createStateDatabase(paths.state, keys.state, PROFILE, doc);
  // Changes after the snapshot live in the journal: the migration must replay them.
  const state = await LegacyStateDatabase.open(paths.state, keys.state, PROFILE);
  for (const address of CONTACTS) state.data.contacts[address] = contactRecord({ address, nickname: `Friend ${address.slice(0, 2)}` });
  state.data.outbox.o1 = { id: 'o1', to: CONTACTS[0]!, envelope: Buffer.from('sealed envelope').toString('base64'), createdAt: '2026-01-02T00:00:00.000Z', seq: 1, attempts: 2, nextAttemptAt: null, via: 'direct', failed: null };
  state.data.groups[GROUP] = { id: GROUP, name: 'Cyclists', standing: 'member', operations: [Buffer.from('op').toString('base64')], waiting: [], joinedAt: '2026-01-03T00:00:00.000Z', joinVia: null, joinSecret: null, unread: 1, lastMessage: null, delivery: null, listing: null };
  state.data.signalRecords.session[`${CONTACTS[0]!}.1`] = Buffer.from('ratchet').toString('base64');
  await state.write();
  const expected = structuredClone(state.data);
  // Not closed: a crash leaves the journal unfolded, as it may be on any user's disk.
  const histories = new LegacyHistoryStore(paths.history, keys, { maxMessages: 7, maxBytes: 1 << 20 });
  for (const [i, peer] of [CONTACTS[0]!, CONTACTS[1]!, `group:${GROUP}`].entries()) await (await histories.conversation(peer)).appendMany(messages(peer, 10 + i * 9));
  await histories.close();
  return expected;
}

async function allMessages(session: ProfileSession, peer: string): Promise<string[]> {
  const history = await session.history(peer);
  const ids: string[] = [];
  let before: HistoryCursor | undefined;
  do {
    const page = await history.page({ before, limit: 4 });
    ids.push(...page.messages.map((m) => m.id));
    before = page.before ?? undefined;
  } while (before !== undefined);
  return ids.reverse();
}

describe('migration from the format before the database', () => {
  it('keeps every contact, group, outbox entry, Signal record and message, then removes the old files', async () => {
    const expected = await writeLegacyProfile();
    const store = createProfileStore({ rootDir: root, kdf: FAST_KDF });
    const session = await store.unlock(PROFILE, GOOD_PASSWORD);
    expect(session.state.snapshot()).toEqual(expected);
    expect(session.state.contacts().map((c) => c.address).sort()).toEqual([...CONTACTS].sort());
    expect(session.state.outbox().map((o) => [o.id, Buffer.from(o.envelope).toString()])).toEqual([['o1', 'sealed envelope']]);
    expect(session.state.groups().map((g) => g.name)).toEqual(['Cyclists']);
    for (const [i, peer] of [CONTACTS[0]!, CONTACTS[1]!, `group:${GROUP}`].entries()) {
      expect(await allMessages(session, peer)).toEqual(messages(peer, 10 + i * 9).map((m) => m.id));
    }
    expect((await session.search('secret words 3', { limit: 10 })).length).toBeGreaterThan(0);
    expect(session.checkIntegrity()).toEqual(['ok']);
    await session.lock();
    expect((await readdir(join(root, 'profiles', PROFILE))).sort()).toEqual(['profile.db', 'vault.json']);
    expect(await filesContaining(root, 'secret words')).toEqual([]);
    expect(await filesContaining(root, 'Zebulon')).toEqual([]);
    // Once only: the next unlock opens the database.
    const again = await store.unlock(PROFILE, GOOD_PASSWORD);
    expect(again.state.contacts()).toHaveLength(5);
    expect(await allMessages(again, CONTACTS[1]!)).toHaveLength(19);
    await store.close();
  });

  it('a migration a crash cut short is started again from the old files; old files beside a finished one are removed', async () => {
    const expected = await writeLegacyProfile();
    const paths = profilePaths(root, PROFILE);
    await writeFile(`${paths.database}.migrating`, 'half a database');
    const store = createProfileStore({ rootDir: root, kdf: FAST_KDF });
    expect((await store.unlock(PROFILE, GOOD_PASSWORD)).state.snapshot()).toEqual(expected);
    await store.close();
    expect(existsSync(`${paths.database}.migrating`)).toBe(false);
    // A crash after the rename, before the old files went: they are leftovers, and the database is the truth.
    await mkdir(paths.history);
    await writeFile(paths.state, 'stale snapshot');
    const session = await store.unlock(PROFILE, GOOD_PASSWORD);
    expect(session.state.contacts()).toHaveLength(5);
    expect(existsSync(paths.state) || existsSync(paths.history)).toBe(false);
    await store.close();
  });

  it('skips a damaged old segment, keeps every other message, and keeps the old history folder aside', async () => {
    await writeLegacyProfile();
    const paths = profilePaths(root, PROFILE);
    const [folder] = (await readdir(paths.history)).filter((name) => /^[0-9a-f]{32}$/u.test(name));
    const segments = (await readdir(join(paths.history, folder!))).filter((name) => name.endsWith('.segment'));
    expect(segments.length).toBeGreaterThan(0);
    await writeFile(join(paths.history, folder!, segments[0]!), 'damaged');
    const store = createProfileStore({ rootDir: root, kdf: FAST_KDF });
    const session = await store.unlock(PROFILE, GOOD_PASSWORD);
    expect(session.state.contacts()).toHaveLength(5);
    const counts = await Promise.all([CONTACTS[0]!, CONTACTS[1]!, `group:${GROUP}`].map(async (peer) => (await allMessages(session, peer)).length));
    // One conversation lost its first segment (7 messages); the others are whole.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10 + 19 + 28 - 7);
    await store.close();
    const left = await readdir(paths.dir);
    expect(left.filter((name) => name.startsWith('history.corrupt-'))).toHaveLength(1);
    expect(left).not.toContain('state.sealed');
  });
});
