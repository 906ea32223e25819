// Web mode's notifications over the real RPC to the fake core: shown only with permission and while the tab is out of sight.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADDRESSES } from '../../screenshots/fake-core.js';
import { connectToFakeCore } from '../test-support/fake-connection.js';
import { showBrowserNotifications } from './browser-notifications.js';

interface Shown {
  readonly title: string;
  readonly body: string | undefined;
  readonly tag: string | undefined;
}

/** The browser's Notification API, recorded: jsdom has none, and no test can see a desktop pop-up. */
function recordingNotificationApi(permission: NotificationPermission): Shown[] {
  const shown: Shown[] = [];
  vi.stubGlobal(
    'Notification',
    class {
      static readonly permission = permission;
      onclick: (() => void) | null = null;
      constructor(title: string, options?: NotificationOptions) {
        shown.push({ title, body: options?.body, tag: options?.tag });
      }
      close(): void {}
    },
  );
  return shown;
}

async function unlockedFakeCore() {
  const { core, connection } = connectToFakeCore({ profiles: [{ id: 'p1', label: 'Personal', createdAt: '2026-03-02T10:00:00Z' }] });
  await connection.api['profiles.unlock']({ profileId: 'p1', password: 'correct horse battery staple' });
  await connection.api['settings.update']({ notifications: { enabled: true, showContent: true } });
  return { core, connection };
}

const incoming = (text: string) => ({
  name: 'message.received' as const,
  payload: { id: text, conversation: ADDRESSES.alice, direction: 'in' as const, text, sentAt: '2026-03-02T10:00:00Z', state: 'delivered' as const },
});

/** The fake core and the in-memory channel answer in microtasks: one timer tick lets every event be handled. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

let focused = false;
let visibility: DocumentVisibilityState = 'hidden';
beforeEach(() => {
  vi.spyOn(document, 'hasFocus').mockImplementation(() => focused);
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('showBrowserNotifications', () => {
  it('shows a message from a contact by name while the tab is hidden, and nothing once stopped', async () => {
    const shown = recordingNotificationApi('granted');
    const { core, connection } = await unlockedFakeCore();
    [focused, visibility] = [false, 'hidden'];
    const stop = showBrowserNotifications(connection);
    core.emit(incoming('are you there?'));
    await expect.poll(() => shown).toEqual([{ title: 'Alice', body: 'are you there?', tag: 'message:are you there?' }]);
    stop();
    core.emit(incoming('hello?'));
    await settle();
    expect(shown).toHaveLength(1);
  });

  it('stays quiet while the tab is visible and focused, or when the browser has no permission', async () => {
    const shownWithPermission = recordingNotificationApi('granted');
    const { core, connection } = await unlockedFakeCore();
    [focused, visibility] = [true, 'visible'];
    showBrowserNotifications(connection);
    core.emit(incoming('you are looking at me'));
    await settle();
    [focused, visibility] = [false, 'visible'];
    core.emit(incoming('now you are not'));
    await expect.poll(() => shownWithPermission).toEqual([{ title: 'Alice', body: 'now you are not', tag: 'message:now you are not' }]);

    const shownWithout = recordingNotificationApi('denied');
    [focused, visibility] = [false, 'hidden'];
    core.emit(incoming('blocked'));
    await settle();
    expect(shownWithout).toEqual([]);
  });
});
