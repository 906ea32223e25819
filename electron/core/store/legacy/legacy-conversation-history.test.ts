// Tests for conversation history: bounded segments, newest-first paging, torn tails and damaged segments.
import { randomBytes } from 'node:crypto';
import { appendFile, copyFile, mkdtemp, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CorruptFileError, ProfileLockedError } from '../errors.js';
import { ConversationHistory, type HistoryCursor, type SegmentLimits } from './legacy-conversation-history.js';
import type { HistoryMessage } from '../history/history-message.js';

let root: string;
const key = randomBytes(32);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'allium-history-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const dir = (): string => join(root, 'abc');
const openHistory = (limits: SegmentLimits = { maxMessages: 5, maxBytes: 1 << 20 }): Promise<ConversationHistory> =>
  ConversationHistory.open({ dir: dir(), folderName: 'abc', conversationId: 'peer.onion', key, limits });
const message = (n: number, body = `message ${String(n)}`): HistoryMessage => ({
  id: `id-${String(n)}`,
  direction: n % 2 === 0 ? 'out' : 'in',
  kind: 'text',
  body,
  sentAt: 1_700_000_000_000 + n,
  storedAt: 1_700_000_000_000 + n,
});

async function allIds(history: ConversationHistory, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let before: HistoryCursor | undefined;
  for (;;) {
    const page = await history.page({ before, limit });
    ids.push(...page.messages.map((m) => m.id));
    if (page.before === null) return ids;
    before = page.before;
  }
}

const expectedIds = (count: number): string[] => Array.from({ length: count }, (_, i) => `id-${String(count - 1 - i)}`);

describe('ConversationHistory', () => {
  it('pages newest first across segments, every message exactly once', async () => {
    const history = await openHistory();
    for (let n = 0; n < 23; n += 1) await history.append(message(n));
    for (const limit of [1, 3, 5, 7, 100]) expect(await allIds(history, limit)).toEqual(expectedIds(23));
    await history.close();
    const files = await readdir(dir());
    expect(files.filter((f) => f.endsWith('.segment'))).toHaveLength(4);
    expect(files.filter((f) => f.endsWith('.log'))).toEqual(['00000005.log']);
  });

  it('appends again once a failed start of a new log (a full disk) is over, without restarting', async () => {
    const history = await openHistory();
    await history.append(message(0));
    await history.close();
    const reopened = await openHistory({ maxMessages: 1, maxBytes: 1 << 20 });
    // The disk fills just as the next log's header is written, then space is freed.
    const handle = await open(join(root, 'probe'), 'w');
    const fileHandle = Object.getPrototypeOf(handle) as { write: (...args: unknown[]) => Promise<unknown> };
    await handle.close();
    const realWrite = fileHandle.write;
    const full = vi.spyOn(fileHandle, 'write').mockImplementationOnce(() => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })));
    await expect(reopened.append(message(1))).rejects.toThrow(/ENOSPC/);
    full.mockRestore();
    expect(fileHandle.write).toBe(realWrite);
    await reopened.append(message(2));
    expect(await allIds(reopened, 10)).toEqual(['id-2', 'id-0']);
    await reopened.close();
  });

  it('reads the same history after reopening', async () => {
    const first = await openHistory();
    await first.appendMany(Array.from({ length: 12 }, (_, n) => message(n)));
    await first.close();
    const second = await openHistory();
    expect(await allIds(second, 4)).toEqual(expectedIds(12));
    await second.append(message(12));
    expect((await second.page({ limit: 2 })).messages.map((m) => m.id)).toEqual(['id-12', 'id-11']);
    await second.close();
  });

  it('an empty conversation has an empty first page and writes nothing', async () => {
    const history = await openHistory();
    expect(await history.page({ limit: 10 })).toEqual({ messages: [], before: null, damaged: [] });
    await history.close();
    await expect(readdir(dir())).rejects.toThrow(/ENOENT/u);
  });

  it('closes a segment when its byte bound is reached', async () => {
    const history = await openHistory({ maxMessages: 1000, maxBytes: 400 });
    for (let n = 0; n < 6; n += 1) await history.append(message(n, 'x'.repeat(150)));
    await history.close();
    expect((await readdir(dir())).filter((f) => f.endsWith('.segment')).length).toBeGreaterThanOrEqual(2);
    const reopened = await openHistory({ maxMessages: 1000, maxBytes: 400 });
    expect(await allIds(reopened, 4)).toEqual(expectedIds(6));
    await reopened.close();
  });

  it('drops a torn last record (never acknowledged) and keeps appending after it', async () => {
    const history = await openHistory();
    await history.appendMany([message(0), message(1), message(2)]);
    await history.close();
    await appendFile(join(dir(), '00000001.log'), Buffer.from([0, 0, 0, 90, 0x41, 0x4c, 0x53]));
    const reopened = await openHistory();
    expect(reopened.problems).toEqual([]);
    expect(reopened.tornBytesDropped).toBe(7);
    await reopened.append(message(3));
    await reopened.close();
    const third = await openHistory();
    expect(await allIds(third, 10)).toEqual(expectedIds(4));
    await third.close();
  });

  it('reports a damaged closed segment by path, moves it aside and still serves the other messages', async () => {
    const history = await openHistory();
    await history.appendMany(Array.from({ length: 12 }, (_, n) => message(n)));
    await history.close();
    const path = join(dir(), '00000001.segment');
    const bytes = await readFile(path);
    bytes[bytes.length - 40]! ^= 0x01;
    await writeFile(path, bytes);

    const reopened = await openHistory();
    const page = await reopened.page({ limit: 100 });
    expect(page.messages.map((m) => m.id)).toEqual(expectedIds(12).slice(0, 7));
    expect(page.damaged).toHaveLength(1);
    expect(page.damaged[0]).toBeInstanceOf(CorruptFileError);
    expect(page.damaged[0]!.path).toBe(path);
    expect(page.damaged[0]!.message).toContain(path);
    const files = await readdir(dir());
    expect(files.some((f) => f.startsWith('00000001.segment.corrupt-'))).toBe(true);
    await reopened.close();
  });

  it('reports damage inside the open log by path and starts a fresh segment', async () => {
    const history = await openHistory();
    await history.appendMany([message(0), message(1), message(2), message(3), message(4), message(5), message(6)]);
    await history.close();
    const path = join(dir(), '00000002.log');
    const bytes = await readFile(path);
    bytes[10]! ^= 0x01;
    await writeFile(path, bytes);

    const reopened = await openHistory();
    expect(reopened.problems.map((p) => p.path)).toEqual([path]);
    await reopened.append(message(7));
    expect(await allIds(reopened, 3)).toEqual(['id-7', 'id-4', 'id-3', 'id-2', 'id-1', 'id-0']);
    await reopened.close();
  });

  it('never acknowledges a message its own reader would later take for damage', async () => {
    const history = await openHistory();
    await history.appendMany([message(0), message(1)]);
    // Within the schema (200,000 characters), but escaped in JSON past the largest record the log decoder accepts.
    const stored = await history.append(message(2, '\u0001'.repeat(200_000))).then(
      () => true,
      () => false,
    );
    await history.close();
    const reopened = await openHistory();
    expect(reopened.problems).toEqual([]);
    expect(await allIds(reopened, 10)).toEqual(stored ? expectedIds(3) : expectedIds(2));
    await reopened.close();
  });

  it('refuses a message that does not match the schema', async () => {
    const history = await openHistory();
    await expect(history.append({ ...message(0), direction: 'sideways' as 'in' })).rejects.toThrow();
    expect((await history.page({ limit: 5 })).messages).toEqual([]);
    await history.close();
  });

  it('finishes a compaction that was interrupted, even when no newer log exists', async () => {
    const history = await openHistory();
    await history.appendMany([0, 1, 2, 3, 4].map((n) => message(n)));
    await copyFile(join(dir(), '00000001.log'), join(root, 'log1'));
    await history.appendMany(Array.from({ length: 6 }, (_, i) => message(i + 5)));
    await history.close();
    // As if compacting segment 1 had failed and creating log 3 had failed too (message 10 never acknowledged).
    await rm(join(dir(), '00000003.log'));
    await rm(join(dir(), '00000001.segment'));
    await copyFile(join(root, 'log1'), join(dir(), '00000001.log'));

    const reopened = await openHistory();
    expect(reopened.problems).toEqual([]);
    expect(await allIds(reopened, 4)).toEqual(expectedIds(10));
    await reopened.append(message(10));
    expect(await allIds(reopened, 4)).toEqual(expectedIds(11));
    await reopened.close();
    expect((await readdir(dir())).sort()).toEqual(['00000001.segment', '00000002.segment', '00000003.log', 'conversation.sealed']);
  });

  it('refuses appends after close instead of touching the log', async () => {
    const history = await openHistory();
    await history.append(message(0));
    await history.close();
    await expect(history.append(message(1))).rejects.toThrow(ProfileLockedError);
    const reopened = await openHistory();
    expect(await allIds(reopened, 5)).toEqual(['id-0']);
    await reopened.close();
  });
});
