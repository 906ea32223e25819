// History cursors from outside: only positions the history handed out are accepted, and every page request answers.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidHistoryCursorError, InvalidPageSizeError } from '../errors.js';
import { ConversationHistory, type HistoryCursor, type HistoryPage } from './legacy-conversation-history.js';
import type { HistoryMessage } from '../history/history-message.js';

const PER_SEGMENT = 5;
const TOTAL = 23; // segments 1–4 closed with 5 messages each, segment 5 open with 3
const SEGMENTS = Math.ceil(TOTAL / PER_SEGMENT);

const message = (n: number): HistoryMessage => ({
  id: `id-${String(n)}`,
  direction: 'in',
  kind: 'text',
  body: `message ${String(n)}`,
  sentAt: 1_700_000_000_000 + n,
  storedAt: 1_700_000_000_000 + n,
});

/** Every cursor the history can hand out, with how many messages lie before it. */
const validCursors = new Map<string, number>();
for (let seq = 1; seq <= SEGMENTS; seq += 1) {
  const length = Math.min(PER_SEGMENT, TOTAL - (seq - 1) * PER_SEGMENT);
  for (let index = 0; index <= length; index += 1) validCursors.set(`${String(seq)}:${String(index)}`, (seq - 1) * PER_SEGMENT + index);
}

const isValidLimit = (limit: number): boolean => Number.isSafeInteger(limit) && limit >= 1;

/** The page a correct history answers: the `limit` messages just older than the cursor, newest first. */
function expectedPage(position: number, limit: number): { ids: string[]; last: boolean } {
  const count = Math.min(limit, position);
  return { ids: Array.from({ length: count }, (_, i) => `id-${String(position - 1 - i)}`), last: count === position };
}

describe('history cursors', () => {
  let root: string;
  let history: ConversationHistory;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'allium-history-cursor-'));
    history = await ConversationHistory.open({
      dir: join(root, 'abc'),
      folderName: 'abc',
      conversationId: 'peer.onion',
      key: randomBytes(32),
      limits: { maxMessages: PER_SEGMENT, maxBytes: 1 << 20 },
    });
    await history.appendMany(Array.from({ length: TOTAL }, (_, n) => message(n)));
  });

  afterAll(async () => {
    await history.close();
    await rm(root, { recursive: true, force: true });
  });

  const page = (before: string | undefined, limit: number): Promise<HistoryPage> =>
    history.page({ ...(before === undefined ? {} : { before: before as HistoryCursor }), limit });

  it('refuses negative, malformed, padded and unknown cursors with a message saying what to do', async () => {
    for (const before of ['-1:-1', '-1:0', '1:-1', 'abc', '1:x', '', ':', '1', '1:2:3', '01:2', '1:02', ' 1:2', '1:2 ', '1e1:0', '0x1:0', '1.5:0', '99999999999999999999:0']) {
      const refusal = await page(before, 10).catch((error: unknown) => error);
      expect(refusal, before).toBeInstanceOf(InvalidHistoryCursorError);
      expect((refusal as InvalidHistoryCursorError).code).toBe('invalid-input');
      expect((refusal as Error).message).toMatch(/^before: .* is not a position in this conversation's history \(.+\); ask for the newest page again$/u);
    }
    // The right shape, but no such segment, or past the end of one.
    await expect(page('0:0', 10)).rejects.toThrow(/there is no segment 0/u);
    await expect(page('6:0', 10)).rejects.toThrow(/there is no segment 6/u);
    await expect(page('2:6', 10)).rejects.toThrow(/segment 2 holds only 5 messages/u);
    await expect(page('5:4', 10)).rejects.toThrow(/segment 5 holds only 3 messages/u);
  });

  it('refuses a page size that is not a whole number of messages, at least one', async () => {
    for (const limit of [0, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2]) {
      await expect(page(undefined, limit)).rejects.toBeInstanceOf(InvalidPageSizeError);
      await expect(page('3:2', limit)).rejects.toThrow(/^limit: a page holds a whole number of messages, at least 1/u);
    }
  });

  it('answers every request: the right page for a cursor it handed out, invalid-input for anything else', async () => {
    const nearValid = fc.tuple(fc.integer({ min: -2, max: SEGMENTS + 2 }), fc.integer({ min: -2, max: PER_SEGMENT + 2 })).map(([s, i]) => `${String(s)}:${String(i)}`);
    const numeric = fc.tuple(fc.oneof(fc.integer(), fc.double()), fc.oneof(fc.integer(), fc.double())).map(([s, i]) => `${String(s)}:${String(i)}`);
    const cursors = fc.option(fc.oneof(nearValid, numeric, fc.string(), fc.constantFrom('-1:-1', 'abc', '1:x', '9007199254740993:0')), { nil: undefined });
    const limits = fc.oneof(
      fc.integer({ min: -3, max: TOTAL + 3 }),
      fc.double(),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2),
    );
    await fc.assert(
      fc.asyncProperty(cursors, limits, async (before, limit) => {
        const outcome = await page(before, limit).catch((error: unknown) => error);
        const position = before === undefined ? TOTAL : validCursors.get(before);
        if (!isValidLimit(limit)) {
          expect(outcome).toBeInstanceOf(InvalidPageSizeError);
        } else if (position === undefined) {
          expect(outcome).toBeInstanceOf(InvalidHistoryCursorError);
        } else {
          const { ids, last } = expectedPage(position, limit);
          const answer = outcome as HistoryPage;
          expect(answer.messages.map((m) => m.id)).toEqual(ids);
          expect(answer.damaged).toEqual([]);
          if (last) expect(answer.before).toBeNull();
          else expect(validCursors.get(answer.before ?? '')).toBe(position - ids.length);
        }
      }),
      { numRuns: 500 },
    );
  });
});
