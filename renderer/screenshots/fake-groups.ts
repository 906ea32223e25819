// The fake core's groups: a few groups, an invitation, a join request and a public directory, every groups command answered in memory.
import {
  ApiError,
  type ApiHandlers,
  type DirectoryGroupDto,
  type GroupDto,
  type GroupInvitationDto,
  type GroupJoinRequestDto,
  type GroupMemberDto,
  type MessageDto,
} from '../../electron/shared/api/index.js';
import type { AnyApiEvent } from '../../electron/shared/rpc/index.js';

export type GroupHandlers = Pick<ApiHandlers, Extract<keyof ApiHandlers, `groups.${string}`>>;

/** A relay that lists public groups in the fake directory (a valid v3 address: the key of 32 bytes of 7). */
export const DIRECTORY_RELAY = 'a4dqobyha4dqobyha4dqobyha4dqobyha4dqobyha4dqobyha4dwc6ad';
/** Fixed ids, so tests and screenshots can name the seeded groups. */
export const GROUP_IDS = { reading: 'a1'.repeat(16), climbing: 'c3'.repeat(16), bookSwap: 'b2'.repeat(16), privacy: 'd4'.repeat(16) } as const;

export interface FakeGroupsContext {
  readonly emit: (event: AnyApiEvent) => void;
  readonly me: { readonly address: string; readonly name: string };
  /** Three contacts to fill the rosters: [address, name, online]. */
  readonly people: readonly Person[];
  /** Minutes ago → ISO time, as the rest of the fake core dates things. */
  readonly minutes: (count: number) => string;
}

/** A member who is not our contact (a valid v3 address: the key of 32 bytes of 9). */
const STRANGER = { address: 'beeqscijbeeqscijbeeqscijbeeqscijbeeqscijbeeqscijbeeus4qd', name: 'Dana' };

export function fakeGroupHandlers(context: FakeGroupsContext): GroupHandlers {
  const { emit, me, minutes } = context;
  const [alice, bob, carol] = context.people;
  if (alice === undefined || bob === undefined || carol === undefined) throw new Error('The fake groups need three people');
  const self: GroupMemberDto = { address: me.address, name: me.name, role: 'owner', me: true, contact: false, online: true };
  const person = (entry: Person, role: GroupMemberDto['role']): GroupMemberDto => ({
    address: entry[0],
    name: entry[1],
    role,
    me: false,
    contact: true,
    online: entry[2],
  });

  const histories = new Map<string, MessageDto[]>([[GROUP_IDS.reading, readingHistory(me, alice, bob, minutes)], [GROUP_IDS.climbing, []]]);
  const groups = new Map<string, GroupDto>();
  const put = (group: GroupDto): GroupDto => {
    groups.set(group.id, group);
    emit({ name: 'group.updated', payload: group });
    return group;
  };
  const lastOf = (id: string): GroupDto['lastMessage'] => {
    const last = histories.get(id)?.at(-1);
    return last === undefined ? undefined : { text: last.text, at: last.sentAt, direction: last.direction, senderName: last.sender?.name ?? '' };
  };
  const reading: GroupDto = {
    id: GROUP_IDS.reading,
    name: 'Reading group',
    standing: 'member',
    myRole: 'owner',
    members: [
      self,
      person(alice, 'admin'),
      { ...person(bob, 'member'), presence: { status: 'away', text: 'Back in an hour' } },
      { ...STRANGER, role: 'member', me: false, contact: false, online: false },
    ],
    unread: 3,
    listing: { relay: DIRECTORY_RELAY, name: 'reading-group', description: 'One book a month, discussed on Tuesdays.', policy: 'ask' },
    delivery: 'hold',
  };
  const climbing: GroupDto = {
    id: GROUP_IDS.climbing,
    name: 'Climbing Saturday',
    standing: 'member',
    myRole: 'member',
    members: [person(carol, 'owner'), { ...self, role: 'member' }, person(alice, 'member')],
    unread: 0,
    delivery: 'relay',
  };
  for (const group of [reading, climbing]) {
    const last = lastOf(group.id);
    groups.set(group.id, last === undefined ? group : { ...group, lastMessage: last });
  }
  let invitations: GroupInvitationDto[] = [
    { id: 'invitation-1', groupId: GROUP_IDS.bookSwap, groupName: 'Book swap', from: alice[0], fromName: alice[1], memberCount: 5, receivedAt: minutes(40) },
  ];
  let joinRequests: GroupJoinRequestDto[] = [
    { id: 'join-1', groupId: GROUP_IDS.reading, groupName: 'Reading group', address: carol[0], name: 'Erin from the library', receivedAt: minutes(15) },
  ];
  let directory: DirectoryGroupDto[] = [
    { relay: DIRECTORY_RELAY, name: 'reading-group', description: 'One book a month, discussed on Tuesdays.', memberCount: 4, policy: 'ask', groupId: GROUP_IDS.reading, joined: true },
    { relay: DIRECTORY_RELAY, name: 'privacy-news', description: 'Links and talk about privacy tools. Be kind.', memberCount: 318, policy: 'open', groupId: GROUP_IDS.privacy, joined: false },
    { relay: DIRECTORY_RELAY, name: 'tor-users-berlin', description: 'Meetups for Tor users in Berlin.', memberCount: 42, policy: 'ask', groupId: 'e5'.repeat(16), joined: false },
  ];

  const find = (id: string): GroupDto => {
    const group = groups.get(id);
    if (group === undefined) throw new ApiError('group-not-found', 'No such group');
    return group;
  };
  const member = (id: string): GroupDto => {
    const group = find(id);
    if (group.standing !== 'member') throw new ApiError('not-member', 'You are not a member of this group');
    return group;
  };
  const admin = (id: string): GroupDto => {
    const group = member(id);
    if (group.myRole === 'member') throw new ApiError('not-allowed', 'You are not an admin of this group');
    return group;
  };
  const owner = (id: string): GroupDto => {
    const group = member(id);
    if (group.myRole !== 'owner') throw new ApiError('not-allowed', 'Only the owner can do this');
    return group;
  };
  const newGroup = (id: string, name: string, fields: Partial<GroupDto>): GroupDto => ({
    id,
    name,
    standing: 'member',
    myRole: 'owner',
    members: [self],
    unread: 0,
    delivery: 'hold',
    ...fields,
  });
  const withMembers = (group: GroupDto, members: readonly GroupMemberDto[]): GroupDto => ({ ...group, members });
  const randomId = (): string => Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  // Answers in the handlers' form: a thrown ApiError becomes a rejection.
  const answer = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const joinDirectoryGroup = (listed: DirectoryGroupDto): GroupDto => {
    directory = directory.map((entry) => (entry === listed ? { ...entry, joined: true } : entry));
    if (listed.policy === 'ask') return put(newGroup(listed.groupId, listed.name, { standing: 'joining', members: [] }));
    return put(newGroup(listed.groupId, listed.name, { myRole: 'member', members: [person(alice, 'owner'), { ...self, role: 'member' }] }));
  };

  return {
    'groups.list': () => Promise.resolve([...groups.values()]),
    'groups.create': ({ name }) => answer(() => put(newGroup(randomId(), name, {}))),
    'groups.rename': ({ group, name }) => answer(() => put({ ...admin(group), name })),
    'groups.invite': ({ group, address }) =>
      answer(() => {
        const found = admin(group);
        const entry = context.people.find(([known]) => known === address);
        if (entry === undefined) throw new ApiError('contact-not-found', 'Only contacts can be invited');
        if (!found.members.some((m) => m.address === address)) put(withMembers(found, [...found.members, person(entry, 'member')]));
        return null;
      }),
    'groups.inviteLink': ({ group }) => answer(() => ({ link: `allium-group:${admin(group).id}.${randomId().slice(0, 12)}` })),
    'groups.joinByLink': ({ link }) =>
      answer(() => {
        const id = /^allium-group:([0-9a-f]{32})\.[0-9a-f]+$/.exec(link)?.[1];
        if (id === undefined) throw new ApiError('invalid-group-link', 'it does not start with allium-group: followed by a group’s id');
        const known = groups.get(id);
        if (known !== undefined && known.standing === 'member') return known;
        return put(newGroup(id, 'Group by link', { standing: 'joining', members: [] }));
      }),
    'groups.invitations': () => Promise.resolve(invitations),
    'groups.acceptInvitation': ({ id }) =>
      answer(() => {
        const invitation = invitations.find((i) => i.id === id);
        if (invitation === undefined) throw new ApiError('invitation-not-found', 'gone');
        invitations = invitations.filter((i) => i.id !== id);
        emit({ name: 'group.invitation.removed', payload: { id } });
        const group = newGroup(invitation.groupId, invitation.groupName, { myRole: 'member', members: [person(alice, 'owner'), { ...self, role: 'member' }] });
        histories.set(group.id, []);
        return put(group);
      }),
    'groups.declineInvitation': ({ id }) =>
      answer(() => {
        if (!invitations.some((i) => i.id === id)) throw new ApiError('invitation-not-found', 'gone');
        invitations = invitations.filter((i) => i.id !== id);
        emit({ name: 'group.invitation.removed', payload: { id } });
        return null;
      }),
    'groups.joinRequests': () => Promise.resolve(joinRequests),
    'groups.answerJoinRequest': ({ id, admit }) =>
      answer(() => {
        const request = joinRequests.find((r) => r.id === id);
        if (request === undefined) throw new ApiError('invitation-not-found', 'gone');
        const group = admin(request.groupId);
        joinRequests = joinRequests.filter((r) => r.id !== id);
        emit({ name: 'group.joinRequest.removed', payload: { id } });
        if (admit) put(withMembers(group, [...group.members, { address: request.address, name: request.name, role: 'member', me: false, contact: false, online: true }]));
        return null;
      }),
    'groups.removeMember': ({ group, address }) =>
      answer(() => {
        const found = admin(group);
        if (found.members.find((m) => m.address === address)?.role === 'owner') throw new ApiError('not-allowed', 'The owner cannot be removed');
        return put(withMembers(found, found.members.filter((m) => m.address !== address)));
      }),
    'groups.setRole': ({ group, address, role }) =>
      answer(() => {
        const found = admin(group);
        return put(withMembers(found, found.members.map((m) => (m.address === address && m.role !== 'owner' ? { ...m, role } : m))));
      }),
    'groups.leave': ({ group }) =>
      answer(() => {
        const { myRole: _was, ...rest } = member(group);
        return put({ ...rest, standing: 'left', members: rest.members.filter((m) => !m.me) });
      }),
    'groups.delete': ({ group }) =>
      answer(() => {
        if (find(group).standing === 'member') throw new ApiError('not-allowed', 'Leave the group before deleting it');
        groups.delete(group);
        histories.delete(group);
        emit({ name: 'group.removed', payload: { id: group } });
        return null;
      }),
    'groups.history': ({ group, before, limit }) =>
      answer(() => {
        find(group);
        const messages = histories.get(group) ?? [];
        const end = before === undefined ? messages.length : Number(before);
        const start = Math.max(0, end - limit);
        const page = messages.slice(start, end).reverse();
        return start > 0 ? { messages: page, nextCursor: String(start) } : { messages: page };
      }),
    'groups.markRead': ({ group }) =>
      answer(() => {
        put({ ...find(group), unread: 0 });
        return null;
      }),
    'groups.send': ({ group, text }) =>
      answer(() => {
        const found = member(group);
        const others = found.members.filter((m) => !m.me);
        const message: MessageDto = {
          id: `group-sent-${randomId()}`,
          conversation: group,
          sender: { address: me.address, name: me.name },
          delivery: { delivered: 0, total: others.length },
          direction: 'out',
          text,
          sentAt: new Date().toISOString(),
          state: 'sent',
        };
        histories.set(group, [...(histories.get(group) ?? []), message]);
        put({ ...found, lastMessage: { text, at: message.sentAt, direction: 'out', senderName: me.name } });
        const delivered = others.filter((m) => m.online).length;
        setTimeout(() => emit({ name: 'message.updated', payload: { conversation: group, id: message.id, state: 'sent', delivery: { delivered, total: others.length } } }), 300);
        return message;
      }),
    'groups.setDelivery': ({ group, delivery }) => answer(() => put({ ...member(group), delivery })),
    'groups.directory': () => Promise.resolve({ groups: directory, failed: [] }),
    'groups.joinByName': ({ name, relay }) =>
      answer(() => {
        const where = relay ?? DIRECTORY_RELAY;
        const listed = directory.find((entry) => entry.relay === where && entry.name === name);
        if (listed !== undefined) return groups.get(listed.groupId) ?? joinDirectoryGroup(listed);
        const created = newGroup(randomId(), name, { listing: { relay: where, name, description: '', policy: 'open' } });
        directory = [...directory, { relay: where, name, description: '', memberCount: 1, policy: 'open', groupId: created.id, joined: true }];
        return put(created);
      }),
    'groups.publish': ({ group, relay, name, description, policy }) =>
      answer(() => {
        const found = owner(group);
        if (directory.some((entry) => entry.relay === relay && entry.name === name && entry.groupId !== group)) throw new ApiError('name-taken', `“${name}” is listed by another group`);
        directory = [
          ...directory.filter((entry) => entry.groupId !== group),
          { relay, name, description, memberCount: found.members.length, policy, groupId: group, joined: true },
        ];
        return put({ ...found, listing: { relay, name, description, policy } });
      }),
    'groups.unpublish': ({ group }) =>
      answer(() => {
        const { listing: _was, ...rest } = owner(group);
        directory = directory.filter((entry) => entry.groupId !== group);
        return put(rest);
      }),
  };
}

/** [address, name, online] */
type Person = readonly [string, string, boolean];

/** Oldest first: a short group conversation with runs from the same sender and our messages delivered to some. */
function readingHistory(me: FakeGroupsContext['me'], alice: Person, bob: Person, minutes: (count: number) => string): MessageDto[] {
  const from = (entry: Person) => ({ address: entry[0], name: entry[1] });
  const lines: Omit<MessageDto, 'id' | 'conversation'>[] = [
    { direction: 'in', sender: from(alice), text: 'Has everyone started the new book?', sentAt: minutes(120), state: 'delivered' },
    { direction: 'in', sender: from(alice), text: 'I am on chapter three. The harbour scene is wonderful.', sentAt: minutes(118), state: 'delivered' },
    { direction: 'in', sender: from(bob), text: 'Not yet, my copy arrives tomorrow.', sentAt: minutes(90), state: 'delivered' },
    { direction: 'out', sender: me, text: 'I can lend you mine after Tuesday.', sentAt: minutes(60), state: 'delivered', delivery: { delivered: 3, total: 3 } },
    { direction: 'in', sender: STRANGER, text: '<b>Same time next week?</b> (this is plain text)', sentAt: minutes(30), state: 'delivered' },
    { direction: 'out', sender: me, text: 'Yes, 7 pm at the library.', sentAt: minutes(5), state: 'sent', delivery: { delivered: 2, total: 3 } },
  ];
  return lines.map((line, index) => ({ ...line, id: `reading-${index}`, conversation: GROUP_IDS.reading }));
}
