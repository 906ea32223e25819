// Tests for history in the database: paging with cursors, refused cursors, get-by-id, deletion and full-text search.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidHistoryCursorError, InvalidPageSizeError, InvalidSearchError, ProfileLockedError } from '../errors.js';
import { type Database, openProfileDatabase } from '../sqlite/profile-database.js';
import { WriteBatch } from '../sqlite/write-batch.js';
import { tempRoot } from '../test-fixtures.js';
import type { HistoryCursor } from './conversation-history.js';
import type { HistoryMessage } from './history-message.js';
import { HistoryStore } from './history-store.js';

let dir: string;
let db: Database;
let store: HistoryStore;

const message = (id: string, body: string, storedAt = 1): HistoryMessage => ({ id, direction: 'in', kind: 'text', body, sentAt: storedAt, storedAt });

beforeEach(async () => {
  dir = await tempRoot();
  db = openProfileDatabase(join(dir, 'profile.db'), randomBytes(32));
  store = new HistoryStore(db, new WriteBatch(db), join(dir, 'profile.db'));
});
afterEach(async () => {
  await store.close();
  db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('conversation history', () => {
  it('pages newest first behind cursors until the first message, conversations kept apart', async () => {
    const a = await store.conversation('a.onion');
    await a.appendMany(Array.from({ length: 7 }, (_, i) => message(`m${String(i)}`, `text ${String(i)}`)));
    await (await store.conversation('b.onion')).append(message('other', 'elsewhere'));
    const ids: string[] = [];
    let before: HistoryCursor | undefined;
    let pages = 0;
    do {
      const page = await a.page({ before, limit: 3 });
      ids.push(...page.messages.map((m) => m.id));
      before = page.before ?? undefined;
      pages += 1;
    } while (before !== undefined);
    expect(ids).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
    expect(pages).toBe(3);
    expect((await a.page({ limit: 7 })).before).toBeNull();
    expect((await store.conversationIds()).ids).toEqual(['a.onion', 'b.onion']);
  });

  it('refuses a cursor it never handed out, another conversation\'s, and a page size below one', async () => {
    const a = await store.conversation('a.onion');
    const b = await store.conversation('b.onion');
    await a.appendMany([message('1', 'x'), message('2', 'y')]);
    await b.appendMany([message('3', 'z'), message('4', 'w')]);
    const cursor = (await b.page({ limit: 1 })).before!;
    for (const bad of ['', 'abc', '1:2', '01', '-1', '1e3', '99999', cursor]) {
      await expect(a.page({ before: bad as HistoryCursor, limit: 5 })).rejects.toThrow(InvalidHistoryCursorError);
    }
    for (const limit of [0, -1, 1.5, Number.NaN]) await expect(a.page({ limit })).rejects.toThrow(InvalidPageSizeError);
  });

  it('finds a message by id at any depth, and keeps a redelivered id once', async () => {
    const a = await store.conversation('a.onion');
    await a.appendMany(Array.from({ length: 500 }, (_, i) => message(`m${String(i)}`, `n${String(i)}`)));
    await a.append(message('m0', 'a second copy'));
    expect((await a.get('m0'))?.body).toBe('n0');
    expect(await a.get('nope')).toBeUndefined();
    expect((await a.page({ limit: 1000 })).messages).toHaveLength(500);
    expect(await store.getMessage(undefined, 'm3')).toMatchObject({ conversationId: 'a.onion', message: { body: 'n3' } });
    expect(await store.getMessage('b.onion', 'm3')).toBeUndefined();
  });

  it('deletes a conversation with its messages and their search entries; the old handle is closed', async () => {
    const a = await store.conversation('a.onion');
    await a.append(message('1', 'ephemeral words'));
    await store.remove('a.onion');
    await expect(a.append(message('2', 'late'))).rejects.toThrow(ProfileLockedError);
    expect(await store.search('ephemeral', { limit: 10 })).toEqual([]);
    expect((await (await store.conversation('a.onion')).page({ limit: 5 })).messages).toEqual([]);
    // FTS5's own check throws when its index and the messages disagree.
    expect(() => db.exec("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")).not.toThrow();
  });
});

describe('search', () => {
  beforeEach(async () => {
    await (await store.conversation('a.onion')).appendMany([message('1', 'Un café noir, merci'), message('2', 'See you at the CAFETERIA'), message('3', 'nothing here')]);
    await (await store.conversation('b.onion')).append(message('4', 'le café est fermé'));
  });

  it('finds "cafe" in "café", across conversations, newest first, with the offsets of the matched words', async () => {
    const found = await store.search('cafe', { limit: 10 });
    expect(found.map((f) => f.message.id)).toEqual(['4', '2', '1']);
    const [first] = found;
    expect(first!.conversationId).toBe('b.onion');
    expect(first!.highlights.map(({ start, end }) => first!.message.body.slice(start, end))).toEqual(['café']);
    const only = await store.search('CAFÉ noir', { conversation: 'a.onion', limit: 10 });
    expect(only.map((f) => f.message.id)).toEqual(['1']);
    expect(only[0]!.highlights.map(({ start, end }) => 'Un café noir, merci'.slice(start, end))).toEqual(['café', 'noir']);
    expect(await store.search('cafe', { limit: 1 })).toHaveLength(1);
  });

  it('treats FTS5 syntax in a query as words, and refuses queries it will not run', async () => {
    for (const query of ['"', 'café OR nothing', 'NEAR(café', '*', 'body:café', ')(', "'; DROP TABLE messages; --"]) {
      await expect(store.search(query, { limit: 10 })).resolves.toBeInstanceOf(Array);
    }
    expect(await store.search('café OR nothing', { limit: 10 })).toEqual([]);
    expect(await store.search('   ', { limit: 10 })).toEqual([]);
    await expect(store.search('x'.repeat(501), { limit: 10 })).rejects.toThrow(InvalidSearchError);
    await expect(store.search(Array.from({ length: 17 }, (_, i) => `w${String(i)}`).join(' '), { limit: 10 })).rejects.toThrow(InvalidSearchError);
    for (const limit of [0, 501, 2.5]) await expect(store.search('cafe', { limit })).rejects.toThrow(InvalidPageSizeError);
  });
});
