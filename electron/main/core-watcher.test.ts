// Desktop notifications from main with `electron`'s Notification faked: a click shows the window, a failure is said out loud.
import type { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

const shown = vi.hoisted(() => [] as EventEmitter[]);

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  class Notification extends EventEmitter {
    static isSupported(): boolean {
      return true;
    }
    constructor(readonly options: { title: string; body: string }) {
      super();
    }
    show(): void {
      shown.push(this);
    }
  }
  return { Notification };
});

const { showDesktopNotification } = await import('./core-watcher.js');

describe('showDesktopNotification', () => {
  it('shows the notification and brings the window on a click', () => {
    const onClick = vi.fn();
    showDesktopNotification({ title: 'Alice', body: 'New message' }, onClick, () => undefined);
    const notification = shown.at(-1);
    expect(notification).toMatchObject({ options: { title: 'Alice', body: 'New message' } });
    notification?.emit('click');
    expect(onClick).toHaveBeenCalledOnce();
  });

  it('logs a notification the OS refused (an unsigned macOS build since Electron 42) instead of dropping it silently', () => {
    const log = vi.fn();
    showDesktopNotification({ title: 'Alice', body: 'New message' }, () => undefined, log);
    shown.at(-1)?.emit('failed', {}, 'Notifications are not allowed for this application');
    expect(log).toHaveBeenCalledWith(expect.stringContaining('Notifications are not allowed for this application'));
  });
});
