// Group envelopes from members: roster operations, sender keys, messages, invitations and joins, applied or refused with reasons logged.
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import {
  BrokenChainError,
  GroupDecryptionError,
  GroupFormatError,
  MissingSenderKeyError,
  NotAGroupMemberError,
  ReplayedGroupMessageError,
  ReplayedOperationError,
  RosterOperationError,
  StaleDistributionError,
  revocationBy,
  signRosterOperation,
  type MemberCard,
  type Roster,
  type SignedRosterOperation,
} from '../../groups/index.js';
import type { GroupJoinRequest, HistoryMessage, StateMutators } from '../../store/index.js';
import { decodeEnvelope, encodeEnvelope, type Envelope, type GroupEnvelopeBody } from '../envelope.js';
import { queueSequenced } from '../sequenced-send.js';
import { groupConversation, historyName } from '../conversation-id.js';
import { distributeKey, ensurePeer, othersIn, sendKey, sendOperations, toMember, welcome } from './group-delivery.js';
import { groupMessageDto, invitationDto, joinRequestDto } from './group-dto.js';
import { JOIN_WAIT_NOTICES, judgeJoin, type JoinWait } from './group-join-answers.js';
import { newJoinSecret } from './group-links.js';
import { type GroupParts, decodeGroupPlaintext, operationBytes, sameBytes } from './group-parts.js';
import { notAllowedToWait, park, type WaitingItem } from './group-waiting.js';

/** What applying one envelope came to: changes for the state write, a message for history, work once both are durable. */
export interface Applied {
  readonly wait?: true;
  readonly change?: (tx: StateMutators) => void;
  readonly history?: HistoryMessage;
  readonly after?: () => void;
}

/** History looked through for a message stored before a crash lost the state write that followed. */
const DEDUP_PAGE = 100;

const say = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Applies one envelope in the group's turn and makes it durable with `stored` (the peer's counter): one state write. */
export async function receiveGroupEnvelope(parts: GroupParts, peer: OnionAddress, envelope: Envelope, body: GroupEnvelopeBody, stored: (tx: StateMutators) => void): Promise<void> {
  await parts.queue.run(body.group, async () => {
    const applied = await applyGroupEnvelope(parts, peer, envelope, body);
    await commit(parts, body.group, applied, stored, () => ({ from: peer, envelope: encodeEnvelope(envelope), at: new Date(parts.ctx.now()).toISOString() }), body.kind);
  });
}

async function commit(
  parts: GroupParts,
  groupId: string,
  applied: Applied,
  stored: (tx: StateMutators) => void,
  waiting: () => WaitingItem,
  kind: string,
): Promise<void> {
  const { ctx } = parts;
  const history = applied.history === undefined ? undefined : await ctx.session.history(historyName(groupConversation(groupId)));
  await Promise.all([
    history?.append(applied.history!),
    ctx.state.transact((tx) => {
      applied.change?.(tx);
      if (applied.wait === true) tx.groups.update(groupId, (g) => park(parts, g, waiting(), kind));
      stored(tx);
    }),
  ]);
  applied.after?.();
}

/**
 * Tries again what waited in the group (a missing parent, sender key or member), oldest first, until nothing more
 * applies. What waits from someone who is no longer a member (removed, or left) is dropped first.
 */
export async function retryWaiting(parts: GroupParts, groupId: string): Promise<void> {
  await parts.queue.run(groupId, async () => {
    const current = parts.ctx.state.group(groupId);
    const gone = current?.waiting.filter((w) => notAllowedToWait(parts, current, w.from, decodeStoredEnvelope(w.envelope)?.body.kind ?? '') !== undefined) ?? [];
    if (gone.length > 0) {
      await parts.ctx.state.transact((tx) => tx.groups.update(groupId, (g) => gone.forEach((item) => dropWaiting(g.waiting, item))));
      parts.ctx.log(`dropped ${String(gone.length)} waiting envelope(s) of group ${groupId} from people who are not members`);
    }
    for (let progress = true; progress; ) {
      progress = false;
      const group = parts.ctx.state.group(groupId);
      if (group === undefined) return;
      for (const item of group.waiting) {
        const envelope = decodeStoredEnvelope(item.envelope);
        const applied = envelope === undefined ? {} : await applyGroupEnvelope(parts, item.from as OnionAddress, envelope, envelope.body as GroupEnvelopeBody);
        if (applied.wait === true) continue;
        await commit(parts, groupId, applied, (tx) => tx.groups.update(groupId, (g) => dropWaiting(g.waiting, item)), () => item, 'waiting envelope');
        progress = true;
        break;
      }
    }
  });
}

/**
 * Takes one waiting envelope out: the same sender, time and bytes (two from one sender can share a millisecond). One
 * that is gone already removes nothing (splice(-1) would drop the last, someone else's).
 */
export function dropWaiting(waiting: { from: string; envelope: Uint8Array; at: string }[], item: { from: string; envelope: Uint8Array; at: string }): void {
  const index = waiting.findIndex((w) => w.at === item.at && w.from === item.from && sameBytes(w.envelope, item.envelope));
  if (index >= 0) waiting.splice(index, 1);
}

function decodeStoredEnvelope(bytes: Uint8Array): Envelope | undefined {
  try {
    return decodeEnvelope(bytes);
  } catch {
    return undefined;
  }
}

export async function applyGroupEnvelope(parts: GroupParts, peer: OnionAddress, envelope: Envelope, body: GroupEnvelopeBody): Promise<Applied> {
  const { ctx } = parts;
  const group = ctx.state.group(body.group);
  if (body.kind === 'group-invite') return invited(parts, peer, body);
  if (group === undefined) {
    ctx.log(`dropped a ${body.kind} from ${peer} for a group we are not in`);
    return {};
  }
  if (group.standing === 'left') return {};
  switch (body.kind) {
    case 'group-ops':
      return operations(parts, peer, body.group, body.operations);
    case 'group-key':
      return senderKey(parts, peer, body.group, body.distribution);
    case 'group-message':
      return message(parts, peer, envelope, body);
    case 'group-join':
      return joined(parts, peer, body.group, body.secret, body.binding);
    case 'group-join-waiting':
      return joinWaits(parts, peer, body.group, body.reason);
  }
}

function wasRevoked(parts: GroupParts, groupId: string, address: string): boolean {
  return (parts.logs.of(groupId)?.operations() ?? []).some((op) => revocationBy(op)?.address === address && revocationBy(op)?.takes === 'membership');
}

function operations(parts: GroupParts, peer: OnionAddress, groupId: string, received: readonly Uint8Array[]): Applied {
  const { ctx } = parts;
  const log = parts.logs.of(groupId)!;
  const before = log.size === 0 ? undefined : log.roster;
  const accepted: SignedRosterOperation[] = [];
  const missing: Uint8Array[] = [];
  for (const bytes of received) {
    try {
      accepted.push(log.accept(bytes));
    } catch (error) {
      if (error instanceof ReplayedOperationError) continue;
      if (error instanceof BrokenChainError && error.reason === 'missing-parent') missing.push(bytes);
      else if (error instanceof RosterOperationError || error instanceof GroupFormatError) ctx.log(`refused a roster operation from ${peer} in group ${groupId}: ${say(error)}`);
      else throw error;
    }
  }
  if (missing.length > 0) ctx.log(`holding ${String(missing.length)} roster operation(s) from ${peer} in group ${groupId} until their parents arrive`);
  if (accepted.length === 0) return missing.length > 0 ? { wait: true } : {};
  const applied = rosterChanged(parts, groupId, before);
  if (missing.length === 0) return applied;
  // What applied is kept; what could not waits as an envelope of its own.
  return {
    ...applied,
    change: (tx) => {
      applied.change?.(tx);
      const rest = encodeEnvelope({ v: 1, id: '0'.repeat(32), sentAt: ctx.now(), body: { kind: 'group-ops', seq: 1, group: groupId, operations: missing } });
      tx.groups.update(groupId, (g) => park(parts, g, { from: peer, envelope: rest, at: new Date(ctx.now()).toISOString() }, 'group-ops'));
    },
  };
}

/**
 * The log took new operations: store it, and act on what changed for us. Joined: a session and our sender key for
 * everyone. A member went (new key epoch): a new sender key for those who remain. Someone joined: our key for them.
 */
export function rosterChanged(parts: GroupParts, groupId: string, before: Roster | undefined, { welcomed = false } = {}): Applied {
  const { ctx } = parts;
  const log = parts.logs.of(groupId)!;
  const after = log.roster;
  const me = ctx.localAddress;
  const wasMember = before?.members.has(me) === true;
  const isMember = after.members.has(me);
  // Every removal makes our invitations (links, listing, invitations to contacts) stop letting anyone in by themselves.
  const left = (address: string): boolean => log.operations().some((op) => op.operation.author === address && op.operation.action.kind === 'leave');
  const removed = before !== undefined && [...before.members.keys()].some((address) => !after.members.has(address) && !left(address));
  return {
    change: (tx) =>
      tx.groups.update(groupId, (g) => {
        g.operations = operationBytes(log.operations());
        g.name = after.name;
        if (removed && g.joinSecret !== null) g.joinSecret = newJoinSecret();
        if (isMember) {
          g.standing = 'member';
          g.joinVia = null;
          delete g.pendingJoinSecret;
          delete g.notice;
        } else if (g.standing === 'member') {
          g.standing = 'removed';
        }
      }),
    after: () => {
      parts.emitGroup(groupId);
      if (isMember && !wasMember) {
        parts.background(async () => {
          await Promise.all(othersIn(parts, after).map((card) => ctx.chains.run(card.address, () => ensurePeer(parts, groupId, card))));
          await distributeKey(parts, after);
        }, `joining group ${groupId}`);
      } else if (isMember && before !== undefined && before.keyEpoch !== after.keyEpoch) {
        parts.background(() => distributeKey(parts, after, before), `a new sender key for group ${groupId}`);
      } else if (isMember && before !== undefined && !welcomed) {
        const added = othersIn(parts, after).filter((card) => !before.members.has(card.address));
        if (added.length > 0) {
          parts.background(async () => {
            const distribution = await parts.keys.distribution(after);
            await ctx.state.persist();
            await Promise.all(added.map((card) => sendKey(parts, groupId, card, distribution.message)));
          }, `our sender key for new members of group ${groupId}`);
        }
      }
      parts.background(() => retryWaiting(parts, groupId), `waiting envelopes of group ${groupId}`);
    },
  };
}

async function senderKey(parts: GroupParts, peer: OnionAddress, groupId: string, distribution: Uint8Array): Promise<Applied> {
  const roster = parts.logs.roster(groupId);
  if (roster === undefined) return { wait: true };
  try {
    await parts.keys.processDistribution(roster, peer, distribution);
    return {};
  } catch (error) {
    if (error instanceof NotAGroupMemberError && wasRevoked(parts, groupId, peer)) {
      parts.ctx.log(`refused a sender key from ${peer}, who is no longer a member of group ${groupId}`);
      return {};
    }
    if (error instanceof NotAGroupMemberError || error instanceof StaleDistributionError) return { wait: true };
    if (error instanceof GroupFormatError) {
      parts.ctx.log(`refused a sender key from ${peer} in group ${groupId}: ${say(error)}`);
      return {};
    }
    throw error;
  }
}

async function message(parts: GroupParts, peer: OnionAddress, envelope: Envelope, body: Extract<GroupEnvelopeBody, { kind: 'group-message' }>): Promise<Applied> {
  const { ctx } = parts;
  const groupId = body.group;
  const roster = parts.logs.roster(groupId);
  if (roster === undefined) return { wait: true };
  let plaintext: Uint8Array;
  try {
    plaintext = (await parts.keys.decrypt(roster, peer, body.ciphertext)).plaintext;
  } catch (error) {
    if (error instanceof NotAGroupMemberError && wasRevoked(parts, groupId, peer)) {
      ctx.log(`refused a group message from ${peer}, who is no longer a member of group ${groupId}`);
      return {};
    }
    if (error instanceof NotAGroupMemberError || error instanceof MissingSenderKeyError) return { wait: true };
    if (error instanceof ReplayedGroupMessageError || error instanceof GroupDecryptionError || error instanceof GroupFormatError) {
      ctx.log(`refused a group message from ${peer} in group ${groupId}: ${say(error)}`);
      return {};
    }
    throw error;
  }
  const content = decodeGroupPlaintext(plaintext);
  if (content === undefined || content.group !== groupId || content.message !== body.message) {
    ctx.log(`refused a group message from ${peer} in group ${groupId}: its content does not match its envelope`);
    return {};
  }
  const history = await ctx.session.history(historyName(groupConversation(groupId)));
  if ((await history.page({ limit: DEDUP_PAGE })).messages.some((m) => m.id === body.message)) return {};
  if (content.file !== undefined && (content.file.id !== body.message || ctx.state.file(content.file.id) !== undefined)) {
    ctx.log(`refused a file from ${peer} in group ${groupId}: its id is not the message's, or is taken`);
    return {};
  }
  const file = content.file === undefined ? undefined : ctx.files.groupOffer(groupId, peer, content.file);
  const stored: HistoryMessage = {
    id: body.message,
    direction: 'in',
    kind: file === undefined ? 'group-text' : 'file',
    body: content.text,
    sentAt: envelope.sentAt,
    storedAt: ctx.now(),
    sender: peer,
  };
  const preview = file === undefined ? content.text : `📎 ${file.name}`;
  return {
    history: stored,
    change: (tx) => {
      if (file !== undefined) tx.files.put(file);
      tx.groups.update(groupId, (g) => {
        g.unread += 1;
        g.lastMessage = { text: preview, at: envelope.sentAt, direction: 'in', sender: peer };
      });
    },
    after: () => {
      ctx.events.emit('group.message.stored', { message: groupMessageDto(ctx, groupId, stored) });
      parts.emitGroup(groupId);
      if (file !== undefined) ctx.files.afterGroupOffer(file.id);
    },
  };
}

function invited(parts: GroupParts, peer: OnionAddress, body: Extract<GroupEnvelopeBody, { kind: 'group-invite' }>): Applied {
  const { ctx } = parts;
  const contact = ctx.state.contact(peer);
  const existing = ctx.state.group(body.group);
  if (contact === undefined || contact.hidden || (existing !== undefined && existing.standing !== 'left' && existing.standing !== 'removed')) {
    ctx.log(`ignored an invitation from ${peer} to group ${body.group}`);
    return {};
  }
  const invitation = { id: `${body.group}-${peer}`, group: body.group, name: body.name, from: peer, memberCount: body.memberCount, secret: body.secret, at: new Date(ctx.now()).toISOString() };
  return {
    change: (tx) => tx.groupInvitations.put(invitation),
    after: () => ctx.events.emit('group.invitation', invitationDto(ctx, invitation)),
  };
}

/**
 * A contact accepted our invitation (or used our link) over their session: added if the secret is the group's current
 * one; with an older one (from before a removal) or none, the request waits for an admin and they are told so.
 */
async function joined(parts: GroupParts, peer: OnionAddress, groupId: string, secret: string, binding: Uint8Array): Promise<Applied> {
  const { ctx } = parts;
  const group = ctx.state.group(groupId);
  const identity = await ctx.signal.peerIdentity(peer);
  const role = parts.logs.roster(groupId)?.members.get(ctx.localAddress)?.role;
  if (group === undefined || identity === undefined || (role !== 'owner' && role !== 'admin')) {
    ctx.log(`refused a request from ${peer} to join group ${groupId}: we are not its owner or an admin`);
    return {};
  }
  const verdict = judgeJoin(group, secret);
  if (verdict === 'admit') return admit(parts, groupId, { address: peer, signalIdentityKey: identity.identityKey, binding });
  if (verdict === 'refuse') {
    ctx.log(`refused a request from ${peer} to join group ${groupId}: it carries no invitation and the group takes no requests`);
    return {};
  }
  const request = { address: peer, group: groupId, nickname: ctx.state.contact(peer)?.theirNickname ?? '', at: new Date(ctx.now()).toISOString(), binding: Buffer.from(binding).toString('base64') };
  const waits = joinRequestWaits(parts, request, verdict);
  return {
    change: waits.change,
    after: () => {
      waits.after();
      parts.background(
        () => toMember(parts, groupId, peer, (to) => queueSequenced(ctx, to, (seq) => ({ kind: 'group-join-waiting', seq, group: groupId, reason: verdict }))),
        `telling ${peer} their request to join group ${groupId} waits for an admin`,
      );
    },
  };
}

/** A request to join that an admin must answer: kept in the join-requests inbox (groups.joinRequests) and shown. */
export function joinRequestWaits(parts: GroupParts, request: GroupJoinRequest, why: JoinWait): { change: (tx: StateMutators) => void; after: () => void } {
  const { ctx } = parts;
  ctx.log(`a request from ${request.address} to join group ${request.group} waits for an admin: ${why === 'expired' ? 'its invitation is from before a removal' : 'the group asks'}`);
  return {
    change: (tx) => tx.groupJoinRequests.put(request),
    after: () => ctx.events.emit('group.joinRequest', joinRequestDto(ctx, request)),
  };
}

/** The admin we asked answered that our request waits for an admin: shown on the group, in words. */
export function joinWaits(parts: GroupParts, admin: OnionAddress, groupId: string, why: JoinWait): Applied {
  const group = parts.ctx.state.group(groupId);
  if (group?.standing !== 'joining' || group.joinVia !== admin) {
    parts.ctx.log(`ignored an answer from ${admin} about joining group ${groupId}: we did not ask them`);
    return {};
  }
  return {
    change: (tx) => tx.groups.update(groupId, (g) => void (g.notice = JOIN_WAIT_NOTICES[why])),
    after: () => parts.emitGroup(groupId),
  };
}

/**
 * Adds a member (we are owner or admin): the operation goes to everyone (the new member gets the whole log and our
 * sender key). Someone already in the roster (they lost their data, or asked twice) only gets the welcome again.
 */
export function admit(parts: GroupParts, groupId: string, card: MemberCard): Applied {
  const { ctx } = parts;
  const log = parts.logs.of(groupId);
  if (log === undefined || log.size === 0) return {};
  const before = log.roster;
  const mine = before.members.get(ctx.localAddress);
  if (mine === undefined || mine.role === 'member') {
    ctx.log(`cannot let ${card.address} into group ${groupId}: we are not its owner or an admin`);
    return {};
  }
  if (before.members.has(card.address)) {
    return { after: () => parts.background(() => welcome(parts, before, card), `welcoming ${card.address} again to group ${groupId}`) };
  }
  let operation: SignedRosterOperation;
  try {
    operation = log.accept(signRosterOperation(ctx.onionKey, log.draft({ kind: 'add', member: card, role: 'member' }, ctx.now())));
  } catch (error) {
    ctx.log(`could not add ${card.address} to group ${groupId}: ${say(error)}`);
    return {};
  }
  // The welcome carries our sender key to the new member, after the log it needs to take it.
  const changed = rosterChanged(parts, groupId, before, { welcomed: true });
  const after = log.roster;
  return {
    change: changed.change,
    after: () => {
      changed.after?.();
      parts.background(
        () => Promise.all([...othersIn(parts, before).map((m) => sendOperations(parts, groupId, m, [operation])), welcome(parts, after, card)]),
        `adding ${card.address} to group ${groupId}`,
      );
    },
  };
}
