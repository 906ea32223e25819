// In a group conversation, the sender's name goes above the first of each run of their messages (a new day starts a new run).
import type { HistoryRow } from './days.js';

/** Whether the row at `index` is an incoming message whose sender differs from the row just above it. */
export function startsSenderRun(rows: readonly HistoryRow[], index: number): boolean {
  const row = rows[index];
  if (row?.kind !== 'message' || row.message.direction !== 'in') return false;
  const above = rows[index - 1];
  if (above?.kind !== 'message' || above.message.direction !== 'in') return true;
  return above.message.sender?.address !== row.message.sender?.address;
}
