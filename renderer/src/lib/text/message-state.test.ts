// Tests for the words shown under my messages: every state has words, and a held one says until when.
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
});
