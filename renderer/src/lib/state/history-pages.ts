// Joins an older page of history (newest first, as the core sends it) onto the messages shown (oldest first).
import type { MessageDto } from '../../../../electron/shared/api/index.js';

/** A message that arrived live while the page was on its way appears once, where it already is. */
export function prependPage(shown: readonly MessageDto[], page: readonly MessageDto[]): MessageDto[] {
  const known = new Set(shown.map((message) => message.id));
  const older = [...page].reverse().filter((message) => !known.has(message.id));
  return [...older, ...shown];
}
