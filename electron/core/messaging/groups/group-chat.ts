// Groups for one unlocked profile: the commands the API calls, and the hooks messaging calls for group envelopes and requests.
import type { DirectoryGroupDto, GroupDto, GroupInvitationDto, GroupJoinRequestDto, HistoryPageDto, MessageDto } from '../../../shared/api/index.js';
import { ApiError } from '../../../shared/api/index.js';
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import { GroupSenderKeys, signGroupCreation, signRosterOperation, type GrantedRole, type Roster, type RosterAction, type SignedRosterOperation } from '../../groups/index.js';
import type { ContactRequestFrame } from '../../protocol/index.js';
import { StateGroupKeys, type Group, type HistoryCursor, type StateMutators } from '../../store/index.js';
import { acceptGroupPeer, holdGroupRequest, rejectRequest, requestGroupPeer, sendRequest } from '../contact-requests.js';
import { requireContact } from '../contact-lookup.js';
import { groupConversation, historyName } from '../conversation-id.js';
import { decodeIntroduction, encodeIntroduction } from '../introduction-codec.js';
import { RequestLimiter } from '../request-limiter.js';
import { encodeEnvelope, makeEnvelope, newEnvelopeId, type Envelope, type FileOffer, type GroupEnvelopeBody } from '../envelope.js';
import { MAX_ENVELOPE_BYTES } from '../outbox/outbox.js';
import type { GroupHooks, GroupRequestAnswer, MessengerContext } from '../messenger-context.js';
import { queueSequenced } from '../sequenced-send.js';
import { othersIn, sendOperations, toMember } from './group-delivery.js';
import { groupCopies, groupDto, groupMessageDto, invitationDto, joinRequestDto } from './group-dto.js';
import { decodeGroupLink, encodeGroupLink, newJoinSecret } from './group-links.js';
import { GroupLogs } from './group-logs.js';
import { type GroupParts, encodeGroupPlaintext, myCard, newGroupQueue, sameBytes } from './group-parts.js';
import { judgeJoin, type JoinWait } from './group-join-answers.js';
import { GROUP_REQUEST_LIMITS, expiredGroupRequests, heldGroupRequests, liveJoinRequests } from './group-requests.js';
import { admit, joinRequestWaits, joinWaits, receiveGroupEnvelope, rosterChanged, type Applied } from './group-receive.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export class GroupChat implements GroupHooks {
  #parts: GroupParts | undefined;
  readonly #limiter = new RequestLimiter(GROUP_REQUEST_LIMITS);
  /** Our messages whose members' copies are still being queued: no delivery update goes out for them until all are. */
  readonly #queuing = new Set<string>();

  /** Called once by the Messenger when its context exists. */
  bind(ctx: MessengerContext): void {
    this.#parts = {
      ctx,
      logs: new GroupLogs(ctx.state, ctx.log),
      keys: new GroupSenderKeys(ctx.localAddress, new StateGroupKeys(ctx.state)),
      queue: newGroupQueue(),
      background: (task, what) => {
        void task().catch((error: unknown) => ctx.log(`${what} failed: ${error instanceof Error ? error.message : String(error)}`));
      },
      emitGroup: (groupId) => {
        const group = ctx.state.group(groupId);
        if (group !== undefined) ctx.events.emit('group.changed', { group: groupDto(ctx, group, this.parts.logs.roster(groupId)) });
      },
    };
  }

  private get parts(): GroupParts {
    if (this.#parts === undefined) throw new Error('GroupChat used before bind()');
    return this.#parts;
  }

  private get ctx(): MessengerContext {
    return this.parts.ctx;
  }

  // ——— hooks from messaging ———

  receive(peer: OnionAddress, envelope: Envelope, body: GroupEnvelopeBody, stored: (tx: StateMutators) => void): Promise<void> {
    return receiveGroupEnvelope(this.parts, peer, envelope, body, stored);
  }

  /**
   * A request naming a group from someone who is not our contact (called in the peer's chain). Answers what the
   * receipt tells them: received, or that the request waits for an admin (an invitation from before a removal, or a
   * group that asks).
   */
  async request(peer: OnionAddress, frame: ContactRequestFrame & { group: NonNullable<ContactRequestFrame['group']> }): Promise<GroupRequestAnswer> {
    const { ctx } = this;
    const { id, secret } = frame.group;
    await this.#expireRequests();
    const held = heldGroupRequests(ctx.state.contactRequests());
    const introduction = encodeIntroduction({ signalIdentityKey: frame.signalIdentityKey, binding: frame.binding, prekeyBundle: frame.prekeyBundle });
    // Its sender repeats a request on every new link: the same one again is neither news nor another try.
    const same = held.find((r) => r.address === peer);
    if (same?.group?.id === id && same.group.secret === secret && sameBytes(same.payload, introduction)) return 'received';
    // A fellow member the roster holds with this very key is no stranger: a big group's members all ask a newcomer at once.
    const known = secret === null && this.parts.logs.roster(id)?.members.get(peer)?.signalIdentityKey;
    const fellow = known instanceof Uint8Array && sameBytes(known, frame.signalIdentityKey);
    const limited = fellow ? 'accept' : this.#limiter.admit(peer, held.length, ctx.now());
    if (limited !== 'accept') {
      ctx.log(`group request from ${peer} refused: ${limited}`);
      return 'rate-limited';
    }
    const group = ctx.state.group(id);
    const roster = this.parts.logs.roster(id);
    if (group === undefined || roster === undefined || group.standing !== 'member') {
      ctx.log(`refused a group request from ${peer}: we are not in group ${id}`);
      return 'received';
    }
    await holdGroupRequest(ctx, peer, frame);
    if (secret === null) {
      // A fellow member: accepted once the roster holds them with this key; until then held (ensurePeer takes it).
      const member = roster.members.get(peer);
      if (member !== undefined && sameBytes(member.signalIdentityKey, frame.signalIdentityKey)) await acceptGroupPeer(ctx, peer);
      return 'received';
    }
    const role = roster.members.get(ctx.localAddress)?.role;
    if (role !== 'owner' && role !== 'admin') {
      ctx.log(`refused a request from ${peer} to join group ${id}: we are not its owner or an admin`);
      return 'received';
    }
    const card = { address: peer, signalIdentityKey: frame.signalIdentityKey, binding: frame.binding };
    const verdict = judgeJoin(group, secret);
    if (verdict === 'admit') {
      if (await acceptGroupPeer(ctx, peer)) await this.#apply(id, () => admit(this.parts, id, card));
      return 'received';
    }
    if (verdict === 'refuse') {
      ctx.log(`refused a request from ${peer} to join group ${id}: it carries no invitation and the group takes no requests`);
      return 'received';
    }
    const waits = joinRequestWaits(this.parts, { address: peer, group: id, nickname: frame.nickname, at: iso(ctx.now()) }, verdict);
    await ctx.state.transact(waits.change);
    waits.after();
    return verdict === 'expired' ? 'expired-invitation' : 'waiting-for-admin';
  }

  /** The admin we asked by a contact request answered that it waits for an admin: shown on the group. */
  async requestWaits(admin: OnionAddress, groupId: string, why: JoinWait): Promise<void> {
    await this.#apply(groupId, () => joinWaits(this.parts, admin, groupId, why));
  }

  /** After a restart: joins that waited for an admin's acceptance which came before the crash go now; old requests go. */
  start(): void {
    for (const group of this.ctx.state.groups()) if (group.joinVia !== null) this.contactAccepted(group.joinVia as OnionAddress);
    this.parts.background(() => this.#expireRequests(), 'dropping expired group requests');
  }

  /** Drops held group requests and join requests nobody answered in GROUP_REQUEST_TTL_MS. */
  async #expireRequests(): Promise<void> {
    const { ctx } = this;
    const { held, join } = expiredGroupRequests(ctx.state.contactRequests(), ctx.state.groupJoinRequests(), ctx.now());
    if (held.length === 0 && join.length === 0) return;
    await ctx.state.transact((tx) => {
      for (const address of held) tx.contactRequests.remove(address);
      for (const address of join) tx.groupJoinRequests.remove(address);
    });
    for (const id of join) ctx.events.emit('group.joinRequest.removed', { id });
    ctx.log(`dropped ${String(held.length)} held group request(s) and ${String(join.length)} join request(s) nobody answered in time`);
  }

  contactAccepted(address: OnionAddress): void {
    const { ctx } = this;
    if (ctx.state.contact(address)?.status !== 'accepted') return;
    for (const group of ctx.state.groups()) {
      if (group.standing !== 'joining' || group.joinVia !== address || group.pendingJoinSecret === undefined) continue;
      const groupId = group.id;
      this.parts.background(
        () => ctx.chains.run(address, () => this.#sendJoin(groupId, address)),
        `asking ${address} again to let us into group ${groupId}`,
      );
    }
  }

  /** Our join over the session, with the secret that waited for it; it stops waiting in the same write. Call in the admin's chain. */
  async #sendJoin(groupId: string, admin: OnionAddress): Promise<void> {
    const { ctx } = this;
    const secret = ctx.state.group(groupId)?.pendingJoinSecret;
    if (secret === undefined || ctx.state.contact(admin)?.status !== 'accepted') return;
    const { binding } = ctx.signal.localBinding();
    await queueSequenced(ctx, admin, (seq) => ({ kind: 'group-join', seq, group: groupId, secret, binding }), {
      also: (tx) => tx.groups.update(groupId, (g) => void delete g.pendingJoinSecret),
    });
    ctx.log(`asked ${admin} to let us into group ${groupId}, now that they accepted us`);
  }

  membersOf(groupId: string): string[] {
    const roster = this.parts.logs.roster(groupId);
    return roster === undefined ? [] : othersIn(this.parts, roster).map((card) => card.address);
  }

  async messageOf(groupId: string, id: string): Promise<MessageDto | undefined> {
    const history = await this.ctx.session.history(historyName(groupConversation(groupId)));
    const stored = (await history.page({ limit: 200 })).messages.find((m) => m.id === id);
    return stored === undefined ? undefined : groupMessageDto(this.ctx, groupId, stored, groupCopies(this.ctx), this.#queuing.has(id));
  }

  memberChanged(address: string): void {
    for (const group of this.ctx.state.groups()) {
      if (this.parts.logs.roster(group.id)?.members.has(address) === true) this.parts.emitGroup(group.id);
    }
  }

  /** A member's copy of our message moved on: the message's count and state, as the UI shows them. */
  copyProgressed(groupId: string, messageId: string): void {
    if (this.#queuing.has(messageId)) return; // sendContent sends one update once every copy is queued
    void this.#messageUpdate(groupId, messageId).catch((error: unknown) => this.ctx.log(`group delivery update failed: ${String(error)}`));
  }

  async #messageUpdate(groupId: string, messageId: string): Promise<void> {
    const dto = await this.messageOf(groupId, messageId);
    if (dto === undefined) return;
    this.ctx.events.emit('group.message.progressed', {
      update: { conversation: groupId, id: messageId, state: dto.state, ...(dto.delivery === undefined ? {} : { delivery: dto.delivery }) },
    });
  }

  // ——— commands ———

  list(): GroupDto[] {
    return this.ctx.state
      .groups()
      .sort((a, b) => (b.lastMessage?.at ?? Date.parse(b.joinedAt)) - (a.lastMessage?.at ?? Date.parse(a.joinedAt)))
      .map((g) => groupDto(this.ctx, g, this.parts.logs.roster(g.id)));
  }

  get(groupId: string): GroupDto {
    return groupDto(this.ctx, this.#require(groupId), this.parts.logs.roster(groupId));
  }

  async create(name: string): Promise<GroupDto> {
    const { ctx } = this;
    const operation = signGroupCreation(ctx.onionKey, name, myCard(ctx), ctx.now());
    const id = operation.operation.group;
    await ctx.state.transact((tx) => tx.groups.put({ ...this.#newGroup(id, name, 'member'), operations: [operation.bytes], joinSecret: newJoinSecret() }));
    const roster = this.parts.logs.roster(id)!;
    await this.parts.keys.distribution(roster);
    await ctx.state.persist();
    this.parts.emitGroup(id);
    return this.get(id);
  }

  async rename(groupId: string, name: string): Promise<GroupDto> {
    return this.#author(groupId, { kind: 'rename', name });
  }

  async setRole(groupId: string, address: string, role: GrantedRole): Promise<GroupDto> {
    return this.#author(groupId, { kind: 'role', member: this.#memberAddress(groupId, address), role });
  }

  async removeMember(groupId: string, address: string): Promise<GroupDto> {
    const member = this.#memberAddress(groupId, address);
    if (member === this.ctx.localAddress) throw new ApiError('not-allowed', 'To go, leave the group instead.');
    return this.#author(groupId, { kind: 'remove', member });
  }

  async leave(groupId: string): Promise<GroupDto> {
    const dto = await this.#author(groupId, { kind: 'leave' });
    await this.ctx.state.transact((tx) => tx.groups.update(groupId, (g) => void (g.standing = 'left')));
    this.parts.emitGroup(groupId);
    return { ...dto, standing: 'left' };
  }

  /** Forgets a group we are no longer in (left, removed, or never let in), with its history. */
  async delete(groupId: string): Promise<void> {
    const group = this.#require(groupId);
    if (group.standing === 'member') throw new ApiError('not-allowed', 'Leave the group first.');
    await this.ctx.session.deleteHistory(historyName(groupConversation(groupId)));
    await this.ctx.state.transact((tx) => tx.groups.remove(groupId));
    this.parts.logs.forget(groupId);
    this.ctx.events.emit('group.removed', { id: groupId });
  }

  async invite(groupId: string, address: string): Promise<void> {
    const { ctx } = this;
    const contact = requireContact(ctx.state, address);
    if (contact.status !== 'accepted' || contact.blocked) throw new ApiError('contact-not-found', `${contact.nickname} cannot be invited until they accepted your contact request.`);
    const { group, roster } = this.#requireAdmin(groupId);
    if (roster.members.has(contact.address)) throw new ApiError('not-allowed', `${contact.nickname} is already in the group.`);
    const secret = group.joinSecret ?? newJoinSecret();
    if (group.joinSecret === null) await ctx.state.transact((tx) => tx.groups.update(groupId, (g) => void (g.joinSecret = secret)));
    await toMember(this.parts, groupId, contact.address, (peer) =>
      queueSequenced(ctx, peer, (seq) => ({ kind: 'group-invite', seq, group: groupId, name: roster.name, memberCount: roster.members.size, secret })),
    );
  }

  inviteLink(groupId: string): { link: string } {
    const { group, roster } = this.#requireAdmin(groupId);
    if (group.joinSecret === null) throw new ApiError('not-allowed', 'This group has no invitation secret.');
    return { link: encodeGroupLink({ group: groupId, admin: this.ctx.localAddress, name: roster.name, secret: group.joinSecret }) };
  }

  async joinByLink(text: string): Promise<GroupDto> {
    const link = decodeGroupLink(text);
    return this.#join(link.group, link.name, link.admin as OnionAddress, link.secret);
  }

  invitations(): GroupInvitationDto[] {
    return this.ctx.state.groupInvitations().map((i) => invitationDto(this.ctx, i));
  }

  async acceptInvitation(id: string): Promise<GroupDto> {
    const invitation = this.ctx.state.groupInvitations().find((i) => i.id === id);
    if (invitation === undefined) throw new ApiError('invitation-not-found', 'This invitation was already answered.');
    const dto = await this.#join(invitation.group, invitation.name, invitation.from as OnionAddress, invitation.secret);
    await this.ctx.state.transact((tx) => tx.groupInvitations.remove(id));
    this.ctx.events.emit('group.invitation.removed', { id });
    return dto;
  }

  async declineInvitation(id: string): Promise<void> {
    if (!this.ctx.state.groupInvitations().some((i) => i.id === id)) throw new ApiError('invitation-not-found', 'This invitation was already answered.');
    await this.ctx.state.transact((tx) => tx.groupInvitations.remove(id));
    this.ctx.events.emit('group.invitation.removed', { id });
  }

  joinRequests(): GroupJoinRequestDto[] {
    return liveJoinRequests(this.ctx.state.groupJoinRequests(), this.ctx.now()).map((r) => joinRequestDto(this.ctx, r));
  }

  async answerJoinRequest(id: string, admitted: boolean): Promise<void> {
    const { ctx } = this;
    const request = liveJoinRequests(ctx.state.groupJoinRequests(), ctx.now()).find((r) => r.address === id);
    if (request === undefined) throw new ApiError('request-not-found', 'This request was already answered.');
    const peer = request.address as OnionAddress;
    if (admitted) {
      this.#requireAdmin(request.group);
      const unusable = (): ApiError => new ApiError('request-unusable', 'This request can no longer be used; ask them to try again.');
      let binding: Uint8Array | undefined;
      if (request.binding !== undefined) {
        // Asked over a session we have (a group-join): their card is their binding and the key we know them by.
        if (ctx.state.contact(peer)?.status !== 'accepted') throw unusable();
        binding = Buffer.from(request.binding, 'base64');
      } else {
        const held = ctx.state.contactRequests().find((r) => r.address === peer && r.direction === 'incoming');
        await ctx.chains.run(peer, async () => {
          if (held === undefined || !(await acceptGroupPeer(ctx, peer))) throw unusable();
        });
        binding = held === undefined ? undefined : decodeIntroduction(held.payload).binding;
      }
      const identity = await ctx.signal.peerIdentity(peer);
      if (identity !== undefined && binding !== undefined) {
        await this.#apply(request.group, () => admit(this.parts, request.group, { address: peer, signalIdentityKey: identity.identityKey, binding }));
      }
    } else if (ctx.state.contactRequests().some((r) => r.address === peer && r.direction === 'incoming')) {
      await rejectRequest(ctx, peer, false);
    }
    await ctx.state.transact((tx) => tx.groupJoinRequests.remove(id));
    ctx.events.emit('group.joinRequest.removed', { id });
  }

  async history(groupId: string, before: string | undefined, limit: number): Promise<HistoryPageDto> {
    this.#require(groupId);
    const history = await this.ctx.session.history(historyName(groupConversation(groupId)));
    const page = await history.page({ ...(before === undefined ? {} : { before: before as HistoryCursor }), limit });
    const copies = groupCopies(this.ctx);
    return {
      messages: page.messages.filter((m) => m.kind === 'group-text' || m.kind === 'file').map((m) => groupMessageDto(this.ctx, groupId, m, copies, this.#queuing.has(m.id))),
      ...(page.before === null ? {} : { nextCursor: page.before }),
    };
  }

  async markRead(groupId: string): Promise<void> {
    const group = this.#require(groupId);
    if (group.unread === 0) return;
    await this.ctx.state.transact((tx) => tx.groups.update(groupId, (g) => void (g.unread = 0)));
    this.parts.emitGroup(groupId);
  }

  async setDelivery(groupId: string, delivery: 'hold' | 'relay'): Promise<GroupDto> {
    this.#require(groupId);
    await this.ctx.state.transact((tx) => tx.groups.update(groupId, (g) => void (g.delivery = delivery)));
    this.parts.emitGroup(groupId);
    return this.get(groupId);
  }

  /**
   * Encrypts once with our sender key and stores it (history, and the chain step in the same state write), then hands
   * one copy to each member's outbox: direct when they are online, their relay when allowed and they are not.
   */
  async send(groupId: string, text: string, via?: 'hold' | 'relay'): Promise<MessageDto> {
    return this.sendContent(groupId, { text }, via);
  }

  /** Whether messages to the group may go through relays: this one's choice, the group's, or the profile's. */
  relayAllowed(groupId: string, via?: 'hold' | 'relay'): boolean {
    return (via ?? this.#require(groupId).delivery ?? this.ctx.state.settings.defaultDelivery) === 'relay';
  }

  /** The group must be ours to write to: we are a member. */
  requireWritable(groupId: string): void {
    const group = this.#require(groupId);
    if (group.standing !== 'member' || this.parts.logs.roster(groupId)?.members.has(this.ctx.localAddress) !== true) {
      throw new ApiError('not-member', 'You are no longer a member of this group.');
    }
  }

  /**
   * Sends text (or a file offer, `id` being the file's) to every member. Without `stored`, the message is stored here
   * first (a file message is stored by the file part when it is offered).
   */
  async sendContent(groupId: string, content: { text: string; file?: FileOffer; id?: string }, via?: 'hold' | 'relay', alreadyStored = false): Promise<MessageDto> {
    const { ctx } = this;
    const group = this.#require(groupId);
    this.requireWritable(groupId);
    const roster = this.parts.logs.roster(groupId)!;
    const message = content.id ?? newEnvelopeId();
    const sentAt = ctx.now();
    // A member we blocked gets no copy, so is not counted in "delivered to k of n".
    const recipients = othersIn(this.parts, roster).filter((card) => ctx.state.contact(card.address)?.blocked !== true);
    const plaintext = encodeGroupPlaintext({ v: 1, group: groupId, message, text: content.text, ...(content.file === undefined ? {} : { file: content.file }) });
    const ciphertext = await this.parts.queue.run(groupId, () => this.parts.keys.encrypt(roster, plaintext));
    // Refused before it is stored, as the outbox would refuse each copy: a message no link can carry is never half sent.
    const size = encodeEnvelope(makeEnvelope({ kind: 'group-message', seq: 1, group: groupId, message, ciphertext })).length;
    if (size > MAX_ENVELOPE_BYTES) throw new ApiError('too-long', `this message is ${String(size)} bytes sealed and a link carries at most ${String(MAX_ENVELOPE_BYTES)}; write less`);
    const stored = {
      id: message,
      direction: 'out' as const,
      kind: content.file === undefined ? 'group-text' : 'file',
      body: content.text,
      sentAt,
      storedAt: sentAt,
      sender: ctx.localAddress,
      recipients: recipients.length,
    };
    const history = await ctx.session.history(historyName(groupConversation(groupId)));
    const preview = content.file === undefined ? content.text : `📎 ${content.file.name}`;
    await Promise.all([
      alreadyStored ? undefined : history.append(stored),
      ctx.state.transact((tx) => tx.groups.update(groupId, (g) => void (g.lastMessage = { text: preview, at: sentAt, direction: 'out', sender: ctx.localAddress }))),
    ]);
    const choice = via ?? group.delivery ?? ctx.state.settings.defaultDelivery;
    // Every member's copy is queued (in parallel) before any count is shown, so none runs ahead of what members stored.
    this.#queuing.add(message);
    try {
      await Promise.all(
        recipients.map((card) =>
          toMember(this.parts, groupId, card, (peer) =>
            queueSequenced(ctx, peer, (seq) => ({ kind: 'group-message', seq, group: groupId, message, ciphertext }), {
              via: choice === 'relay' ? 'relay' : 'direct',
              group: { id: groupId, message },
            }),
          ),
        ),
      );
    } finally {
      this.#queuing.delete(message);
    }
    this.parts.emitGroup(groupId);
    this.copyProgressed(groupId, message);
    return groupMessageDto(ctx, groupId, stored);
  }

  /**
   * The link a public listing carries: with the join secret for an open group, with an empty one (ask an admin) for
   * one that asks. Only the owner lists a group.
   */
  listingLink(groupId: string, policy: 'open' | 'ask'): { link: string; name: string; members: number } {
    const { group, roster } = this.#requireAdmin(groupId);
    if (roster.members.get(this.ctx.localAddress)?.role !== 'owner') throw new ApiError('not-allowed', 'Only the group’s owner can list it publicly.');
    const secret = policy === 'open' ? (group.joinSecret ?? '') : '';
    return { link: encodeGroupLink({ group: groupId, admin: this.ctx.localAddress, name: roster.name, secret }), name: roster.name, members: roster.members.size };
  }

  async setListing(groupId: string, listing: Group['listing']): Promise<GroupDto> {
    this.#require(groupId);
    await this.ctx.state.transact((tx) => tx.groups.update(groupId, (g) => void (g.listing = listing)));
    this.parts.emitGroup(groupId);
    return this.get(groupId);
  }

  /** LIST's part from our own groups: the ones we list publicly are shown with their listing (relays add theirs). */
  ownListings(): DirectoryGroupDto[] {
    return this.ctx.state
      .groups()
      .filter((g) => g.listing !== null)
      .map((g) => ({
        relay: g.listing!.relay,
        name: g.listing!.name,
        description: g.listing!.description,
        memberCount: this.parts.logs.roster(g.id)?.members.size ?? 0,
        policy: g.listing!.policy,
        groupId: g.id,
        joined: true,
      }));
  }

  // ——— helpers ———

  #newGroup(id: string, name: string, standing: Group['standing']): Group {
    return {
      id,
      name,
      standing,
      operations: [],
      waiting: [],
      joinedAt: iso(this.ctx.now()),
      joinVia: null,
      joinSecret: null,
      unread: 0,
      lastMessage: null,
      delivery: null,
      listing: null,
    };
  }

  /** Asks `admin` to let us in: over our session if they are a contact, otherwise with a request naming the group. */
  async #join(groupId: string, name: string, admin: OnionAddress, secret: string): Promise<GroupDto> {
    const { ctx } = this;
    if (admin === ctx.localAddress) throw new ApiError('invalid-group-link', 'this is your own group’s link.');
    const existing = ctx.state.group(groupId);
    if (existing?.standing === 'member') return this.get(groupId);
    await ctx.state.transact((tx) => {
      if (existing === undefined) tx.groups.put({ ...this.#newGroup(groupId, name, 'joining'), joinVia: admin });
      else {
        tx.groups.update(groupId, (g) => {
          g.standing = 'joining';
          g.joinVia = admin;
          delete g.notice;
        });
      }
    });
    this.parts.logs.forget(groupId);
    await ctx.chains.run(admin, async () => {
      const contact = ctx.state.contact(admin);
      const asked = ctx.state.contactRequests().find((r) => r.address === admin && r.direction === 'outgoing');
      if (contact?.status === 'accepted') {
        const { binding } = ctx.signal.localBinding();
        await queueSequenced(ctx, admin, (seq) => ({ kind: 'group-join', seq, group: groupId, secret, binding }));
      } else if (contact === undefined) {
        await requestGroupPeer(ctx, admin, { id: groupId, secret });
      } else if (asked?.group?.id === groupId) {
        // We asked to join this group by a request before (with an older link, say): it goes again with this secret.
        await ctx.state.putContactRequest({ ...asked, group: { id: groupId, secret }, delivered: false });
        sendRequest(ctx, admin);
      } else {
        // Our request to them is pending: the join goes once they accept it (contactAccepted), after a restart too.
        await ctx.state.transact((tx) => tx.groups.update(groupId, (g) => void (g.pendingJoinSecret = secret)));
        ctx.log(`joining group ${groupId}: waiting for ${admin} to accept us first`);
      }
    });
    this.parts.emitGroup(groupId);
    return this.get(groupId);
  }

  /** Writes, signs and applies our own roster operation, then sends it to everyone who was in the group before it. */
  async #author(groupId: string, action: RosterAction): Promise<GroupDto> {
    const { ctx } = this;
    this.#require(groupId);
    let operation: SignedRosterOperation | undefined;
    let before: Roster | undefined;
    await this.#apply(groupId, () => {
      const log = this.parts.logs.of(groupId);
      if (log === undefined || log.size === 0) throw new ApiError('not-member', 'You are not a member of this group yet.');
      before = log.roster;
      try {
        operation = log.accept(signRosterOperation(ctx.onionKey, log.draft(action, ctx.now())));
      } catch (error) {
        throw new ApiError('not-allowed', error instanceof Error ? error.message : String(error));
      }
      return rosterChanged(this.parts, groupId, before);
    });
    if (operation !== undefined && before !== undefined) {
      const signed = operation;
      await Promise.all(othersIn(this.parts, before).map((card) => sendOperations(this.parts, groupId, card, [signed])));
    }
    return this.get(groupId);
  }

  /** Applies in the group's turn and stores what it changed in one write; then its follow-up work. */
  async #apply(groupId: string, apply: () => Applied | Promise<Applied>): Promise<void> {
    const applied = await this.parts.queue.run(groupId, async () => {
      const result = await apply();
      await this.ctx.state.transact((tx) => result.change?.(tx));
      return result;
    });
    applied.after?.();
  }

  #require(groupId: string): Group {
    const group = this.ctx.state.group(groupId);
    if (group === undefined) throw new ApiError('group-not-found', 'There is no such group.');
    return group;
  }

  #requireAdmin(groupId: string): { group: Group; roster: Roster } {
    const group = this.#require(groupId);
    const roster = this.parts.logs.roster(groupId);
    const role = roster?.members.get(this.ctx.localAddress)?.role;
    if (roster === undefined || group.standing !== 'member') throw new ApiError('not-member', 'You are not a member of this group.');
    if (role !== 'owner' && role !== 'admin') throw new ApiError('not-allowed', 'Only the owner or an admin can let people in.');
    return { group, roster };
  }

  #memberAddress(groupId: string, address: string): OnionAddress {
    const roster = this.parts.logs.roster(groupId);
    const member = [...(roster?.members.keys() ?? [])].find((a) => a === address.trim().toLowerCase().replace(/\.onion$/, ''));
    if (member === undefined) throw new ApiError('not-member', 'That person is not a member of this group.');
    return member as OnionAddress;
  }
}

