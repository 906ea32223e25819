// Groups a conversation into rows with a separator before the first message of each calendar day.
import type { MessageDto } from '../../../../electron/shared/api/index.js';

export type HistoryRow =
  | { readonly kind: 'day'; readonly key: string; readonly label: string }
  | { readonly kind: 'message'; readonly key: string; readonly message: MessageDto };

/** `messages` oldest first; days are the user's local calendar days. */
export function withDaySeparators(messages: readonly MessageDto[], now: Date = new Date()): HistoryRow[] {
  const rows: HistoryRow[] = [];
  let currentDay = '';
  for (const message of messages) {
    const sent = new Date(message.sentAt);
    const day = localDayKey(sent);
    if (day !== currentDay) {
      currentDay = day;
      rows.push({ kind: 'day', key: `day-${day}`, label: dayLabel(sent, now) });
    }
    rows.push({ kind: 'message', key: message.id, message });
  }
  return rows;
}

export function dayLabel(date: Date, now: Date): string {
  const today = localDayKey(now);
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  const key = localDayKey(date);
  if (key === today) return 'Today';
  if (key === localDayKey(yesterday)) return 'Yesterday';
  const sameYear = date.getFullYear() === now.getFullYear();
  return date.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) });
}

export function timeLabel(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

function localDayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}
