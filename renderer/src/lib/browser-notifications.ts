// Web mode's desktop notifications: the browser's Notification API, used only while Allium's tab is out of sight.
import { watchIncoming, type NotificationSource } from '../../../electron/shared/notifications/index.js';

export type BrowserNotificationPermission = NotificationPermission | 'unsupported';

/** What the browser lets this page do; 'unsupported' where there is no Notification API at all. */
export function browserNotificationPermission(): BrowserNotificationPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks the browser for permission; must run from a click, or browsers refuse without asking. */
export async function askBrowserNotificationPermission(): Promise<BrowserNotificationPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/**
 * Shows incoming messages and requests as browser notifications, worded per the profile's settings, when permission
 * is granted and the tab is hidden or unfocused (a visible chat needs no pop-up). Returns the function that stops.
 */
export function showBrowserNotifications(source: NotificationSource): () => void {
  return watchIncoming(
    source,
    (content, tag) => {
      if (browserNotificationPermission() !== 'granted') return;
      if (document.visibilityState === 'visible' && document.hasFocus()) return;
      // Every open tab hears the same event; the shared tag makes the browser show it once.
      const notification = new Notification(content.title, { body: content.body, tag });
      notification.onclick = () => {
        window.focus();
        notification.close();
      };
    },
    (error) => console.error('[allium] notification failed', error),
  );
}
