// Main's own connection to the core, for the tray and desktop notifications only: it listens to events and never changes anything.
import { Notification } from 'electron';
import { watchIncoming, type NotificationContent } from '../shared/notifications/index.js';
import type { ApiConnection } from '../shared/rpc/index.js';
import type { StatusTray } from './status-tray.js';
import type { TrayState } from './tray-status.js';

export interface CoreWatcherOptions {
  readonly tray: StatusTray;
  readonly onNotificationClick: () => void;
}

/**
 * Shows one notification. One that cannot be shown is logged rather than lost without a word: since Electron 42 macOS
 * shows notifications only for code-signed apps (UNNotification), so an unsigned build gets 'failed' instead.
 */
export function showDesktopNotification(content: NotificationContent, onClick: () => void, log: (message: string) => void = console.warn): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: content.title, body: content.body, silent: false });
  notification.on('click', onClick);
  notification.on('failed', (_event, error) => log(`[main] the desktop notification could not be shown (on macOS the app must be code-signed): ${error}`));
  notification.show();
}

/** Follows tor status, identity and the session on `connection`; returns a function that stops following. */
export function watchCore(connection: ApiConnection, options: CoreWatcherOptions): () => void {
  let state: TrayState = { locked: true };
  const update = (next: Partial<TrayState>): void => {
    state = { ...state, ...next };
    options.tray.update(state);
  };
  const notify = (content: NotificationContent): void => showDesktopNotification(content, options.onNotificationClick);

  const api = connection.api;
  api['session.get']({}).then(
    (session) => update(session === null ? { locked: true } : { locked: false, identity: session.identity }),
    (error: unknown) => console.error('[main] could not read the session', error),
  );
  const removers = [
    connection.on('tor.status', (tor) => update({ tor })),
    connection.on('identity.updated', (identity) => update({ identity, locked: false })),
    connection.on('session.locked', () => update({ locked: true, identity: undefined })),
    watchIncoming(connection, notify, (error) => console.error('[main] notification failed', error)),
  ];
  return () => {
    for (const remove of removers) remove();
  };
}
