// Sends for groups: a session with each fellow member, roster operations, sender keys and messages, each member in their turn.
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import type { MemberCard, Roster, SignedRosterOperation } from '../../groups/index.js';
import { acceptGroupPeer, requestGroupPeer } from '../contact-requests.js';
import { decodeIntroduction } from '../introduction-codec.js';
import { queueSequenced } from '../sequenced-send.js';
import { chunkOperations } from './group-chunks.js';
import { type GroupParts, operationBytes, sameBytes } from './group-parts.js';

/**
 * Makes sure a fellow member can be written to: a contact already, or their held request for this group (matching the
 * roster's key) accepted now, or our own request sent. Call from inside the member's chain.
 */
export async function ensurePeer(parts: GroupParts, groupId: string, card: MemberCard): Promise<void> {
  const { ctx } = parts;
  const address = card.address;
  if (address === ctx.localAddress || ctx.state.contact(address) !== undefined) return;
  const held = ctx.state.contactRequests().find((r) => r.address === address && r.direction === 'incoming' && r.status === 'pending');
  if (held !== undefined && sameBytes(decodeIntroduction(held.payload).signalIdentityKey, card.signalIdentityKey)) {
    if (await acceptGroupPeer(ctx, address)) return;
  }
  await requestGroupPeer(ctx, address, { id: groupId, secret: null });
}

/** The roster's members but us, with their cards. */
export function othersIn(parts: GroupParts, roster: Roster): MemberCard[] {
  return [...roster.members.values()].filter((m) => m.address !== parts.ctx.localAddress);
}

/** Queues, for one member in their chain, a session if needed and then what `send` stores. */
export function toMember(parts: GroupParts, groupId: string, card: MemberCard | string, send: (peer: OnionAddress) => Promise<unknown>): Promise<void> {
  const address = (typeof card === 'string' ? card : card.address) as OnionAddress;
  return parts.ctx.chains.run(address, async () => {
    if (typeof card !== 'string') await ensurePeer(parts, groupId, card);
    await send(address);
  });
}

/** Operations in order, as many group-ops envelopes as it takes for each to fit a frame (a whole log for a welcome). */
export function sendOperations(parts: GroupParts, groupId: string, to: MemberCard | string, operations: readonly SignedRosterOperation[]): Promise<void> {
  return toMember(parts, groupId, to, async (peer) => {
    for (const chunk of chunkOperations(operationBytes(operations))) {
      await queueSequenced(parts.ctx, peer, (seq) => ({ kind: 'group-ops', seq, group: groupId, operations: chunk }));
    }
  });
}

export function sendKey(parts: GroupParts, groupId: string, to: MemberCard | string, distribution: Uint8Array): Promise<void> {
  return toMember(parts, groupId, to, (peer) => queueSequenced(parts.ctx, peer, (seq) => ({ kind: 'group-key', seq, group: groupId, distribution })));
}

/** Our current sender key to every member but us (after joining, creating, or a removal's new key epoch). */
export async function distributeKey(parts: GroupParts, roster: Roster, previous?: Roster): Promise<void> {
  const distribution = previous === undefined ? await parts.keys.distribution(roster) : await parts.keys.rekey(previous, roster);
  await parts.ctx.state.persist();
  await Promise.all(othersIn(parts, roster).map((card) => sendKey(parts, roster.groupId, card, distribution.message)));
}

/** What a member who just joined needs from the admin who let them in: the whole log, then our sender key. */
export async function welcome(parts: GroupParts, roster: Roster, card: MemberCard): Promise<void> {
  const log = parts.logs.of(roster.groupId);
  if (log === undefined) return;
  const distribution = await parts.keys.distribution(roster);
  await parts.ctx.state.persist();
  await sendOperations(parts, roster.groupId, card, log.operations());
  await sendKey(parts, roster.groupId, card, distribution.message);
}
