// Tests for the unlock throttle: free attempts, then doubling waits refused with the time left, reset by a success.
import { describe, expect, it } from 'vitest';
import { TooManyAttemptsError, WrongPasswordError } from './errors.js';
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

  it('refuses an early attempt without trying the password, saying how long to wait', async () => {
    let now = 0;
    let tried = 0;
    const throttle = new UnlockThrottle({ freeAttempts: 1, baseDelayMs: 1000, maxDelayMs: 1000 }, () => now);
    await expect(throttle.attempt('p', fail)).rejects.toThrow(WrongPasswordError);
    now = 400;
    const early = throttle.attempt('p', () => Promise.resolve((tried += 1)));
    await expect(early).rejects.toBeInstanceOf(TooManyAttemptsError);
    await expect(early).rejects.toMatchObject({ retryAfterMs: 600, code: 'too-many-attempts' });
    expect(tried).toBe(0);
    now = 1000;
    expect(await throttle.attempt('p', () => Promise.resolve('ok'))).toBe('ok');
    expect(throttle.delayFor('p')).toBe(0);
  });

  it('does not count errors other than a wrong password', async () => {
    const throttle = new UnlockThrottle({ freeAttempts: 0, baseDelayMs: 1000, maxDelayMs: 1000 });
    await expect(throttle.attempt('p', () => Promise.reject(new Error('disk')))).rejects.toThrow('disk');
    expect(throttle.delayFor('p')).toBe(0);
  });
});
