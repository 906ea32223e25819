// Notifications of incoming messages and requests: their wording and the watcher that produces them.
export { notificationContent, type NotificationContent } from './notification-content.js';
export { watchIncoming, type NotificationSource } from './incoming-notifications.js';
