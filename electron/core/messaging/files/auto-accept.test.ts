// The budgets of automatic acceptance, counted from stored files over a sliding day, and the free-space reserve.
import { describe, expect, it } from 'vitest';
import type { StoredFile } from '../../store/index.js';
import { BUDGET_WINDOW_MS, FREE_SPACE_RESERVE_BYTES, SENDER_BUDGET_FACTOR, TOTAL_BUDGET_FACTOR, budgetHold, diskHold } from './auto-accept.js';

const AUTO = 1_000;
const NOW = Date.parse('2026-12-04T12:00:00Z');
const ALICE = 'a'.repeat(56);

function incoming(from: string, size: number, state: StoredFile['state'] = 'received', at = NOW): StoredFile {
  return { direction: 'in', from, size, state, createdAt: new Date(at).toISOString() } as StoredFile;
}

describe('budgetHold', () => {
  it('lets one sender fill their budget exactly, and holds the byte past it', () => {
    const taken = [incoming(ALICE, SENDER_BUDGET_FACTOR * AUTO - AUTO)];
    expect(budgetHold(taken, ALICE, AUTO, AUTO, NOW)).toBeUndefined();
    expect(budgetHold(taken, ALICE, AUTO + 1, AUTO, NOW)).toBe('over-budget');
    // Another sender has a budget of their own.
    expect(budgetHold(taken, 'b'.repeat(56), AUTO, AUTO, NOW)).toBeUndefined();
  });

  it('counts only what was taken in during the last day: not offers waiting, not cancelled ones, not yesterday', () => {
    const big = SENDER_BUDGET_FACTOR * AUTO;
    for (const file of [incoming(ALICE, big, 'offered'), incoming(ALICE, big, 'cancelled'), incoming(ALICE, big, 'received', NOW - BUDGET_WINDOW_MS)]) {
      expect(budgetHold([file], ALICE, AUTO, AUTO, NOW)).toBeUndefined();
    }
    for (const state of ['receiving', 'received', 'failed'] as const) expect(budgetHold([incoming(ALICE, big, state)], ALICE, 1, AUTO, NOW)).toBe('over-budget');
    // Our own files do not count.
    expect(budgetHold([{ ...incoming(ALICE, big), direction: 'out' }], ALICE, 1, AUTO, NOW)).toBeUndefined();
  });

  it('holds everyone once all senders together reach the total budget', () => {
    const many = Array.from({ length: TOTAL_BUDGET_FACTOR }, (_, i) => incoming(String(i).padStart(56, 'c'), AUTO));
    expect(budgetHold(many, ALICE, 1, AUTO, NOW)).toBe('over-budget');
    expect(budgetHold(many.slice(1), ALICE, AUTO, AUTO, NOW)).toBeUndefined();
  });
});

describe('diskHold', () => {
  it('holds a file that would leave less than the reserve free', async () => {
    await expect(diskHold(() => Promise.resolve(FREE_SPACE_RESERVE_BYTES + 100), 100)).resolves.toBeUndefined();
    await expect(diskHold(() => Promise.resolve(FREE_SPACE_RESERVE_BYTES + 100), 101)).resolves.toBe('low-disk');
  });
});
