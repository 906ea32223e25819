// The duplicate-link rule and the reconnect backoff: pure functions, checked case by case and as properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateOnionKey } from '../identity/index.js';
import { backoffDelay } from './backoff.js';
import { linkToKeep } from './duplicate-rule.js';

describe('duplicate rule', () => {
  const [low, high] = [generateOnionKey().address, generateOnionKey().address].sort();

  it('keeps the link dialed by the smaller address, whichever arrived first', () => {
    const byLow = { dialer: low!, sequence: 1 };
    const byHigh = { dialer: high!, sequence: 2 };
    expect(linkToKeep(byLow, byHigh)).toBe(byLow);
    expect(linkToKeep(byHigh, byLow)).toBe(byLow);
  });

  it('keeps the newer of two links dialed by the same side', () => {
    const older = { dialer: high!, sequence: 3 };
    const newer = { dialer: high!, sequence: 7 };
    expect(linkToKeep(older, newer)).toBe(newer);
    expect(linkToKeep(newer, older)).toBe(newer);
  });
});

describe('reconnect backoff', () => {
  it('doubles from the initial delay up to the cap, jittered into [half, full)', () => {
    const policy = { initialMs: 1_000, maxMs: 60_000 };
    expect([1, 2, 3, 7, 8, 20].map((attempt) => backoffDelay(attempt, policy, () => 0.999_999))).toEqual([1_000, 2_000, 4_000, 60_000, 60_000, 60_000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(2_000);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
        const delay = backoffDelay(attempt, policy, () => random);
        const full = Math.min(policy.maxMs, policy.initialMs * 2 ** (attempt - 1));
        expect(delay).toBeGreaterThanOrEqual(full / 2);
        expect(delay).toBeLessThanOrEqual(full);
      }),
    );
  });
});
