// The notification watcher over the real RPC layer: the settings at that moment decide what is said, and stop means stop.
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ContactDto, type ContactRequestDto, type MessageDto, type SettingsDto } from '../api/index.js';
import { testBackend } from '../rpc/backend-test-kit.js';
import { channelFromMessagePort } from '../rpc/browser-channels.js';
import { createApiClient, serveApi } from '../rpc/index.js';
import type { NotificationContent } from './notification-content.js';
import { watchIncoming } from './incoming-notifications.js';

const ALICE = 'a'.repeat(56);
const message: MessageDto = { id: 'm', conversation: ALICE, direction: 'in', text: 'see you at noon', sentAt: '2026-01-01T00:00:00Z', state: 'delivered' };
const request: ContactRequestDto = { id: 'r', address: 'b'.repeat(56), nickname: 'Bob', message: 'hi, it is Bob', receivedAt: '2026-01-01T00:00:00Z' };
const alice = { address: ALICE, nickname: 'Alice' } as ContactDto;

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A core that answers settings and contacts, can be locked, and emits the events the test asks for. */
function watched(settings: { current: SettingsDto['notifications'] | 'locked' }) {
  const reads = { settings: 0 };
  const fixture = testBackend({
    'settings.get': () => {
      reads.settings += 1;
      return settings.current === 'locked'
        ? Promise.reject(new ApiError('locked', 'Unlock a profile first.'))
        : Promise.resolve({ notifications: settings.current, theme: 'system', bridges: [], torOptions: [], defaultDelivery: 'hold', autoAcceptBytes: 0, downloadsDir: '/tmp' } satisfies SettingsDto);
    },
    'contacts.list': () => Promise.resolve([alice]),
  });
  const { port1, port2 } = new MessageChannel();
  closers.push(() => port1.close(), () => port2.close());
  serveApi(channelFromMessagePort(port2), fixture.backend);
  const client = createApiClient(channelFromMessagePort(port1));
  const shown: (NotificationContent & { tag: string })[] = [];
  const report = vi.fn();
  const stop = watchIncoming(client, (content, tag) => shown.push({ ...content, tag }), report);
  return { shown, report, stop, emit: fixture.emit, reads };
}

describe('watchIncoming', () => {
  it('names the contact by the nickname this user gave them, and words requests', async () => {
    const { shown, emit } = watched({ current: { enabled: true, showContent: true } });
    emit({ name: 'message.received', payload: message });
    emit({ name: 'request.received', payload: request });
    await expect.poll(() => shown).toHaveLength(2);
    expect(shown).toContainEqual({ title: 'Alice', body: 'see you at noon', tag: 'message:m' });
    expect(shown).toContainEqual({ title: 'Contact request from Bob', body: 'hi, it is Bob', tag: 'request:r' });
  });

  it('reads the settings at each event: off says nothing, private says only that something came', async () => {
    const settings: { current: SettingsDto['notifications'] } = { current: { enabled: false, showContent: true } };
    const { shown, emit, reads } = watched(settings);
    emit({ name: 'message.received', payload: message });
    await expect.poll(() => reads.settings).toBe(1);
    settings.current = { enabled: true, showContent: false };
    emit({ name: 'message.received', payload: { ...message, id: 'm2' } });
    await expect.poll(() => shown).toEqual([{ title: 'Allium', body: 'New message', tag: 'message:m2' }]);
  });

  it('ignores our own messages, stays quiet about a profile locked meanwhile, and stops when told', async () => {
    const settings: { current: SettingsDto['notifications'] | 'locked' } = { current: { enabled: true, showContent: true } };
    const { shown, report, stop, emit, reads } = watched(settings);
    emit({ name: 'message.received', payload: { ...message, direction: 'out' } });
    await expect.poll(() => reads.settings).toBe(1);
    settings.current = 'locked';
    emit({ name: 'request.received', payload: request });
    await expect.poll(() => reads.settings).toBe(2);
    settings.current = { enabled: true, showContent: true };
    stop();
    emit({ name: 'message.received', payload: message });
    emit({ name: 'request.received', payload: { ...request, id: 'r2' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reads.settings).toBe(2);
    expect(shown).toEqual([]);
    expect(report).not.toHaveBeenCalled();
  });
});
