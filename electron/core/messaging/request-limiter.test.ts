import { describe, expect, it } from 'vitest';
import { RequestLimiter } from './request-limiter.js';

describe('RequestLimiter', () => {
  const limits = { perAddress: 2, overall: 5, windowMs: 1_000, maxPending: 10 };

  it('limits one address, then lets it in again after the window', () => {
    const limiter = new RequestLimiter(limits);
    expect(limiter.admit('a', 0, 0)).toBe('accept');
    expect(limiter.admit('a', 0, 10)).toBe('accept');
    expect(limiter.admit('a', 0, 20)).toBe('rate-limited-address');
    expect(limiter.admit('b', 0, 20)).toBe('accept');
    expect(limiter.admit('a', 0, 1_001)).toBe('accept');
  });

  it('limits everyone together', () => {
    const limiter = new RequestLimiter(limits);
    const verdicts = Array.from({ length: 8 }, (_, i) => limiter.admit(`addr${String(i)}`, 0, i));
    expect(verdicts.filter((v) => v === 'accept')).toHaveLength(5);
    expect(verdicts.slice(5)).toEqual(['rate-limited-overall', 'rate-limited-overall', 'rate-limited-overall']);
  });

  it('refuses when the inbox is full, without counting the attempt', () => {
    const limiter = new RequestLimiter(limits);
    expect(limiter.admit('a', 10, 0)).toBe('inbox-full');
    expect(limiter.admit('a', 9, 0)).toBe('accept');
    expect(limiter.admit('a', 9, 0)).toBe('accept');
  });

  it('admits at most the overall limit from a flood of 1,000 addresses', () => {
    const limiter = new RequestLimiter({ ...limits, overall: 30 });
    let accepted = 0;
    for (let i = 0; i < 1_000; i++) if (limiter.admit(`flood${String(i)}`, 0, i) === 'accept') accepted++;
    expect(accepted).toBe(30);
  });
});
