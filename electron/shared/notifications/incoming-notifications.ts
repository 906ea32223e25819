// Turns the core's incoming-message and request events into notification content, for Electron main and web mode alike.
import type { ApiConnection } from '../rpc/index.js';
import { notificationContent, type NotificationContent } from './notification-content.js';

/** What the watcher needs of a connection: commands and events, not its lifetime. */
export type NotificationSource = Pick<ApiConnection, 'api' | 'on'>;

/**
 * Calls `notify` for each incoming message and contact request (with a tag naming it, the same in every window), worded per the profile's notification settings (read
 * at that moment, so a change applies at once). Returns the function that stops watching.
 */
export function watchIncoming(source: NotificationSource, notify: (content: NotificationContent, tag: string) => void, report: (error: unknown) => void): () => void {
  const { api } = source;
  const show = (content: NotificationContent | undefined, tag: string): void => {
    if (content !== undefined) notify(content, tag);
  };
  const failed = (error: unknown): void => {
    // A profile locked in the meantime has no settings to read: then there is nothing to notify about anyway.
    if (error instanceof Error && 'code' in error && error.code === 'locked') return;
    report(error);
  };
  const removers = [
    source.on('message.received', (message) => {
      Promise.all([api['settings.get']({}), api['contacts.list']({})])
        .then(([settings, contacts]) => {
          const nickname = contacts.find((contact) => contact.address === message.conversation)?.nickname;
          show(notificationContent({ kind: 'message', message, nickname }, settings.notifications), `message:${message.id}`);
        })
        .catch(failed);
    }),
    source.on('request.received', (request) => {
      api['settings.get']({})
        .then((settings) => show(notificationContent({ kind: 'request', request }, settings.notifications), `request:${request.id}`))
        .catch(failed);
    }),
  ];
  return () => {
    for (const remove of removers) remove();
  };
}
