// What a desktop notification says for an incoming message or contact request, honouring the privacy setting.
import type { ContactRequestDto, MessageDto, SettingsDto } from '../api/index.js';

export interface NotificationContent {
  readonly title: string;
  readonly body: string;
}

const PREVIEW_LENGTH = 120;

type Incoming = { readonly kind: 'message'; readonly message: MessageDto; readonly nickname?: string } | { readonly kind: 'request'; readonly request: ContactRequestDto };

/**
 * Nothing when notifications are off; with `showContent` off, neither the sender nor the text leaves the app,
 * because notification centres keep them on screen and on disk.
 */
export function notificationContent(incoming: Incoming, settings: SettingsDto['notifications']): NotificationContent | undefined {
  if (!settings.enabled) return undefined;
  if (incoming.kind === 'message') {
    if (incoming.message.direction !== 'in') return undefined;
    if (!settings.showContent) return { title: 'Allium', body: 'New message' };
    return { title: incoming.nickname ?? 'New message', body: preview(incoming.message.text) };
  }
  if (!settings.showContent) return { title: 'Allium', body: 'New contact request' };
  const { nickname, message } = incoming.request;
  return { title: `Contact request from ${nickname}`, body: preview(message) };
}

function preview(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= PREVIEW_LENGTH ? oneLine : `${oneLine.slice(0, PREVIEW_LENGTH - 1)}…`;
}
