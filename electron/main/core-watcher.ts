// Main's own connection to the core, for the tray and desktop notifications only: it listens to events and never changes anything.
import { Notification } from 'electron';
import type { ApiConnection } from '../shared/rpc/index.js';
import { notificationContent, type NotificationContent } from './notification-content.js';
import type { StatusTray } from './status-tray.js';
import type { TrayState } from './tray-status.js';

export interface CoreWatcherOptions {
  readonly tray: StatusTray;
  readonly onNotificationClick: () => void;
}

/** Follows tor status, identity and the session on `connection`; returns a function that stops following. */
export function watchCore(connection: ApiConnection, options: CoreWatcherOptions): () => void {
  let state: TrayState = { locked: true };
  const update = (next: Partial<TrayState>): void => {
    state = { ...state, ...next };
    options.tray.update(state);
  };
  const notify = (content: NotificationContent | undefined): void => {
    if (content === undefined || !Notification.isSupported()) return;
    const notification = new Notification({ title: content.title, body: content.body, silent: false });
    notification.on('click', options.onNotificationClick);
    notification.show();
  };
  const report = (error: unknown): void => {
    // A locked profile has no settings to read: then there is nothing to notify about anyway.
    if (error instanceof Error && 'code' in error && error.code === 'locked') return;
    console.error('[main] notification failed', error);
  };

  const api = connection.api;
  api['session.get']({}).then(
    (session) => update(session === null ? { locked: true } : { locked: false, identity: session.identity }),
    (error: unknown) => console.error('[main] could not read the session', error),
  );
  const removers = [
    connection.on('tor.status', (tor) => update({ tor })),
    connection.on('identity.updated', (identity) => update({ identity, locked: false })),
    connection.on('session.locked', () => update({ locked: true, identity: undefined })),
    connection.on('message.received', (message) => {
      Promise.all([api['settings.get']({}), api['contacts.list']({})])
        .then(([settings, contacts]) => {
          const nickname = contacts.find((contact) => contact.address === message.conversation)?.nickname;
          notify(notificationContent({ kind: 'message', message, nickname }, settings.notifications));
        })
        .catch(report);
    }),
    connection.on('request.received', (request) => {
      api['settings.get']({})
        .then((settings) => notify(notificationContent({ kind: 'request', request }, settings.notifications)))
        .catch(report);
    }),
  ];
  return () => {
    for (const remove of removers) remove();
  };
}
