// How an admin answers a request to join: let in, or wait for an admin (an invitation from before a removal, or a group that asks), told in words.
import type { Group } from '../../store/index.js';
import { secretMatches } from './group-links.js';

/** Why a request to join waits for an admin instead of letting the requester in. */
export type JoinWait = 'expired' | 'ask';

/**
 * What a request with `secret` comes to. A secret that is not the group's current one is taken as an invitation from
 * before a removal (every removal rotates the secret): it no longer lets anyone in by itself, and waits for an admin.
 */
export function judgeJoin(group: Group, secret: string): 'admit' | JoinWait | 'refuse' {
  if (secret !== '') return group.joinSecret !== null && secretMatches(secret, group.joinSecret) ? 'admit' : 'expired';
  if (group.listing?.policy === 'open') return 'admit';
  return group.listing?.policy === 'ask' ? 'ask' : 'refuse';
}

/** What the requester's core shows on their group while they wait (GroupDto.notice). */
export const JOIN_WAIT_NOTICES: Record<JoinWait, string> = {
  expired: 'This invitation no longer works: the group changed since it was made (someone was removed). Your request now waits for an admin to let you in.',
  ask: 'Your request waits for an admin of the group to let you in.',
};
