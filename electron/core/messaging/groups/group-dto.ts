// Groups, members, invitations and group messages as the API shows them: stored records joined with the roster and links.
import type { GroupDto, GroupInvitationDto, GroupJoinRequestDto, GroupMemberDto, MessageDto } from '../../../shared/api/index.js';
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import type { Roster } from '../../groups/index.js';
import type { Group, GroupInvitation, GroupJoinRequest, HistoryMessage, OutboxEntry } from '../../store/index.js';
import type { MessengerContext } from '../messenger-context.js';

/** What to call someone in a group: the user's name for a contact, else the name they gave, else their address's start. */
export function memberName(ctx: MessengerContext, address: string): string {
  if (address === ctx.localAddress) return ctx.state.nickname;
  const contact = ctx.state.contact(address);
  if (contact !== undefined && !contact.hidden && contact.nickname !== '') return contact.nickname;
  return contact?.theirNickname ?? `${address.slice(0, 8)}…`;
}

function memberDto(ctx: MessengerContext, address: string, role: GroupMemberDto['role']): GroupMemberDto {
  const me = address === ctx.localAddress;
  const contact = me ? undefined : ctx.state.contact(address);
  const online = me || (contact?.status === 'accepted' && ctx.links.isUp(address as OnionAddress));
  const presence = me ? ctx.state.settings.presence : online ? ctx.live.get(address)?.presence : undefined;
  return {
    address,
    name: memberName(ctx, address),
    role,
    me,
    contact: contact !== undefined && !contact.hidden,
    online,
    ...(presence === undefined ? {} : { presence: { status: presence.status, text: presence.text } }),
  };
}

export function groupDto(ctx: MessengerContext, group: Group, roster: Roster | undefined): GroupDto {
  const members = roster === undefined ? [] : [...roster.members.values()].map((m) => memberDto(ctx, m.address, m.role));
  members.sort((a, b) => Number(b.me) - Number(a.me) || a.name.localeCompare(b.name));
  const mine = roster?.members.get(ctx.localAddress);
  return {
    id: group.id,
    name: roster?.name ?? group.name,
    standing: group.standing,
    ...(mine === undefined ? {} : { myRole: mine.role }),
    members,
    unread: group.unread,
    ...(group.lastMessage === null
      ? {}
      : {
          lastMessage: {
            text: group.lastMessage.text,
            at: new Date(group.lastMessage.at).toISOString(),
            direction: group.lastMessage.direction,
            senderName: memberName(ctx, group.lastMessage.sender),
          },
        }),
    ...(group.listing === null ? {} : { listing: { ...group.listing } }),
    delivery: group.delivery ?? ctx.state.settings.defaultDelivery,
    ...(group.notice === undefined || group.standing !== 'joining' ? {} : { notice: group.notice }),
  };
}

export function invitationDto(ctx: MessengerContext, invitation: GroupInvitation): GroupInvitationDto {
  return {
    id: invitation.id,
    groupId: invitation.group,
    groupName: invitation.name,
    from: invitation.from,
    fromName: memberName(ctx, invitation.from),
    memberCount: invitation.memberCount,
    receivedAt: invitation.at,
  };
}

export function joinRequestDto(ctx: MessengerContext, request: GroupJoinRequest): GroupJoinRequestDto {
  const group = ctx.state.group(request.group);
  return {
    id: request.address,
    groupId: request.group,
    groupName: group?.name ?? request.group,
    address: request.address,
    name: request.nickname === '' ? `${request.address.slice(0, 8)}…` : request.nickname,
    receivedAt: request.at,
  };
}

/** Our copies of group messages still on their way, by message id. */
export function groupCopies(ctx: MessengerContext): Map<string, OutboxEntry[]> {
  const copies = new Map<string, OutboxEntry[]>();
  for (const entry of ctx.state.outbox()) {
    if (entry.group === undefined) continue;
    const list = copies.get(entry.group.message) ?? [];
    list.push(entry);
    copies.set(entry.group.message, list);
  }
  return copies;
}

/**
 * A stored group message as the API shows it. Ours is delivered once every member stored it; until then "sent" if a
 * link or relay took a copy, else queued (or failed, if every copy left failed), with how many have it: the members
 * whose copy was acknowledged, that is stored by them. A copy that failed still counts as not delivered. While its
 * copies are being queued (`queuing`), nobody is counted yet.
 */
export function groupMessageDto(ctx: MessengerContext, groupId: string, message: HistoryMessage, copies = groupCopies(ctx), queuing = false): MessageDto {
  const sender = message.sender ?? ctx.localAddress;
  const file = message.kind === 'file' ? ctx.files.dtoFor(message.id) : undefined;
  const base = {
    id: message.id,
    conversation: groupId,
    direction: message.direction,
    text: message.body,
    sentAt: new Date(message.sentAt).toISOString(),
    sender: { address: sender, name: memberName(ctx, sender) },
    ...(file === undefined ? {} : { file }),
  };
  if (message.direction === 'in') return { ...base, state: 'delivered' };
  const undelivered = copies.get(message.id) ?? [];
  const total = message.recipients ?? 0;
  const delivery = { delivered: queuing ? 0 : Math.max(0, total - undelivered.length), total };
  if (queuing) return { ...base, state: 'queued', delivery };
  if (undelivered.length === 0) return { ...base, state: 'delivered', delivery };
  const waiting = undelivered.filter((entry) => entry.failed === null);
  if (waiting.length === 0) return { ...base, state: 'failed', delivery };
  const carried = waiting.some((entry) => ['sent', 'held'].includes(ctx.outbox.progress(entry).state));
  return { ...base, state: carried ? 'sent' : 'queued', delivery };
}
