// Tests for the unlock throttle: free attempts, then doubling waits, reset by a success.
import { describe, expect, it } from 'vitest';
import { WrongPasswordError } from './errors.js';
import { UnlockThrottle } from './unlock-throttle.js';

const fail = (): Promise<never> => Promise.reject(new WrongPasswordError());

describe('UnlockThrottle', () => {
  it('allows the free attempts at once, then doubles the wait after each failure', async () => {
    let now = 0;
    const throttle = new UnlockThrottle({ freeAttempts: 2, baseDelayMs: 100, maxDelayMs: 350 }, () => now);
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      delays.push(throttle.delayFor('p'));
      now += throttle.delayFor('p');
      await expect(throttle.attempt('p', fail)).rejects.toBeInstanceOf(WrongPasswordError);
    }
    expect(delays).toEqual([0, 0, 100, 200, 350, 350]);
    expect(throttle.delayFor('other')).toBe(0);
  });

  it('really waits, and a success resets the count', async () => {
    const throttle = new UnlockThrottle({ freeAttempts: 1, baseDelayMs: 60, maxDelayMs: 1000 });
    await expect(throttle.attempt('p', fail)).rejects.toThrow();
    const started = performance.now();
    expect(await throttle.attempt('p', () => Promise.resolve('ok'))).toBe('ok');
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    expect(throttle.delayFor('p')).toBe(0);
  });

  it('does not count errors other than a wrong password', async () => {
    const throttle = new UnlockThrottle({ freeAttempts: 0, baseDelayMs: 1000, maxDelayMs: 1000 });
    await expect(throttle.attempt('p', () => Promise.reject(new Error('disk')))).rejects.toThrow('disk');
    expect(throttle.delayFor('p')).toBe(0);
  });
});
