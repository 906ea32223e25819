// What a group keeps to apply later (a missing parent, sender key or roster change): only from members, within byte budgets.
import type { Group } from '../../store/index.js';
import type { GroupParts } from './group-parts.js';

export interface WaitingItem {
  readonly from: string;
  readonly envelope: Uint8Array;
  readonly at: string;
}

/**
 * Bytes of envelopes a group keeps waiting, all senders together and per sender, and how many at most (the state's
 * schema allows 1,000). Every state write re-serialises the profile, so this is what a hostile member can make us carry.
 */
export const WAITING_LIMITS = { groupBytes: 256 * 1024, senderBytes: 64 * 1024, entries: 500 } as const;

const bytesOf = (items: readonly WaitingItem[]): number => items.reduce((sum, w) => sum + w.envelope.length, 0);

/**
 * Why `from` may not have a `kind` envelope wait in the group: only current members may, and while we are joining, the
 * admin we asked. Before the admin's welcome gives us the roster, one sender key per sender may wait too (members send
 * theirs on seeing us added, which can overtake the welcome); the first retry with a roster drops non-members' keys.
 * Undefined if they may.
 */
export function notAllowedToWait(parts: GroupParts, group: Group, from: string, kind: string): string | undefined {
  const roster = parts.logs.roster(group.id);
  if (roster?.members.has(from) === true) return undefined;
  if (group.standing === 'joining' && group.joinVia === from) return undefined;
  if (beforeWelcome(group, roster === undefined, kind)) return undefined;
  return 'the sender is not a member of the group';
}

const beforeWelcome = (group: Group, noRoster: boolean, kind: string): boolean => group.standing === 'joining' && noRoster && kind === 'group-key';

/** Why `item` does not fit the group's waiting budgets; undefined if it does. */
export function overBudget(waiting: readonly WaitingItem[], item: WaitingItem): string | undefined {
  const size = item.envelope.length;
  const total = bytesOf(waiting);
  if (total + size > WAITING_LIMITS.groupBytes) return `the group keeps at most ${String(WAITING_LIMITS.groupBytes)} bytes waiting and holds ${String(total)}`;
  const theirs = bytesOf(waiting.filter((w) => w.from === item.from));
  if (theirs + size > WAITING_LIMITS.senderBytes) return `one sender may have at most ${String(WAITING_LIMITS.senderBytes)} bytes waiting and has ${String(theirs)}`;
  if (waiting.length >= WAITING_LIMITS.entries) return `the group keeps at most ${String(WAITING_LIMITS.entries)} envelopes waiting`;
  return undefined;
}

/**
 * Keeps `item` waiting in the group `g` being written, or refuses it with a log line naming why. Either way the
 * envelope is acknowledged (its counter is in the same write), so no sender's channel stalls on it.
 */
export function park(parts: GroupParts, g: Group, item: WaitingItem, kind: string): void {
  const onlyOne = beforeWelcome(g, parts.logs.roster(g.id) === undefined, kind) && g.waiting.some((w) => w.from === item.from && g.joinVia !== item.from);
  const why = notAllowedToWait(parts, g, item.from, kind) ?? (onlyOne ? 'while we join, one sender key per sender waits' : overBudget(g.waiting, item));
  if (why === undefined) {
    g.waiting.push({ ...item });
    return;
  }
  parts.ctx.log(`dropped a ${kind} from ${item.from} in group ${g.id} instead of keeping it to wait: ${why}`);
}
