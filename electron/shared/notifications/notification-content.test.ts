// Notifications say nothing when asked for privacy, and only short previews otherwise.
import { describe, expect, it } from 'vitest';
import type { ContactRequestDto, MessageDto } from '../api/index.js';
import { notificationContent } from './notification-content.js';

const message: MessageDto = { id: 'm', conversation: 'a'.repeat(56), direction: 'in', text: 'meet at\nnoon', sentAt: '2026-01-01T00:00:00Z', state: 'delivered' };
const request: ContactRequestDto = { id: 'r', address: 'b'.repeat(56), nickname: 'Bob', message: 'hi, it is Bob', receivedAt: '2026-01-01T00:00:00Z' };

describe('notificationContent', () => {
  it('shows sender and text when content is allowed', () => {
    expect(notificationContent({ kind: 'message', message, nickname: 'Alice' }, { enabled: true, showContent: true })).toEqual({ title: 'Alice', body: 'meet at noon' });
    expect(notificationContent({ kind: 'request', request }, { enabled: true, showContent: true })).toEqual({ title: 'Contact request from Bob', body: 'hi, it is Bob' });
  });

  it('hides sender and text when the user chose privacy', () => {
    const shown = [notificationContent({ kind: 'message', message, nickname: 'Alice' }, { enabled: true, showContent: false }), notificationContent({ kind: 'request', request }, { enabled: true, showContent: false })];
    expect(shown).toEqual([
      { title: 'Allium', body: 'New message' },
      { title: 'Allium', body: 'New contact request' },
    ]);
    expect(JSON.stringify(shown)).not.toMatch(/Alice|Bob|noon/);
  });

  it('shows nothing when notifications are off or the message is our own', () => {
    expect(notificationContent({ kind: 'message', message }, { enabled: false, showContent: true })).toBeUndefined();
    expect(notificationContent({ kind: 'message', message: { ...message, direction: 'out' } }, { enabled: true, showContent: true })).toBeUndefined();
  });

  it('cuts long texts', () => {
    const long = notificationContent({ kind: 'message', message: { ...message, text: 'x'.repeat(500) } }, { enabled: true, showContent: true });
    expect(long?.body).toHaveLength(120);
    expect(long?.body.endsWith('…')).toBe(true);
  });
});
