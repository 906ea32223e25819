// Tests for the words shown under my messages: every state has words, a held one says until when, a group one to how many.
import { describe, expect, it } from 'vitest';
import { messageStateLabel } from './message-state.js';

describe('messageStateLabel', () => {
  it('names each state', () => {
    expect(messageStateLabel({ state: 'queued' })).toBe('Waiting to send');
    expect(messageStateLabel({ state: 'sent' })).toBe('Sent');
    expect(messageStateLabel({ state: 'delivered' })).toBe('Delivered');
    expect(messageStateLabel({ state: 'failed' })).toBe('Not delivered');
  });

  it('says until when a relay holds the message', () => {
    const until = new Date(2026, 5, 14, 12).getTime();
    const label = messageStateLabel({ state: 'held', heldUntil: until });
    expect(label).toMatch(/^Held by relay until /);
    expect(label).toContain('2026');
    expect(label).toContain(new Date(until).toLocaleDateString(undefined, { month: 'long' }));
    expect(messageStateLabel({ state: 'held' })).toBe('Held by relay');
  });

  it('counts the members a group message reached once it left, not while it waits or after it failed', () => {
    expect(messageStateLabel({ state: 'sent', delivery: { delivered: 2, total: 3 } })).toBe('Delivered to 2 of 3');
    expect(messageStateLabel({ state: 'delivered', delivery: { delivered: 3, total: 3 } })).toBe('Delivered to 3 of 3');
    expect(messageStateLabel({ state: 'queued', delivery: { delivered: 0, total: 3 } })).toBe('Waiting to send');
    expect(messageStateLabel({ state: 'failed', delivery: { delivered: 0, total: 3 } })).toBe('Not delivered');
  });
});
