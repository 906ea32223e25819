// The messaging engine the core talks to: it wires links and commands to the parts beside it (requests, delivery, inbound, presence).
import { EventEmitter } from 'node:events';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ContactDto, ContactRequestDto, HistoryPageDto, MessageDto, PresenceDto } from '../../shared/api/index.js';
import type { OnionAddress } from '../../shared/onion-address/index.js';
import type { HistoryCursor } from '../store/index.js';
import { contactDto, emitContact, messageDto, outboxById } from './contact-dto.js';
import { requireContact } from './contact-lookup.js';
import { acceptRequest, addContact, isBlocked, pendingRequests, rejectRequest } from './contact-requests.js';
import { contactConversation, historyName } from './conversation-id.js';
import { DirectCourier } from './couriers/direct-courier.js';
import { reconcile, retry, sendText } from './delivery.js';
import { onFrame, onSignal } from './inbound.js';
import { mailboxAnnouncement, onLinkDown, onLinkUp } from './link-events.js';
import { LiveStates } from './live-state.js';
import type { MessengerContext, MessengerOptions } from './messenger-context.js';
import type { MessagingEventArgs } from './messaging-events.js';
import { FileChat } from './files/file-chat.js';
import { GroupChat } from './groups/group-chat.js';
import { Outbox } from './outbox/outbox.js';
import { PeerChains } from './peer-chains.js';
import { sendEphemeral } from './peer-send.js';
import { announceNickname, setPresence, setTyping } from './presence.js';
import { RequestLimiter } from './request-limiter.js';

export type { MessengerOptions } from './messenger-context.js';

/** Frames from one peer that may wait for its work chain; more are dropped until it catches up. */
const MAX_WAITING_FRAMES = 256;

/** The messaging engine of one unlocked profile. */
export class Messenger extends EventEmitter<MessagingEventArgs> {
  readonly #ctx: MessengerContext;
  /** Groups: the API's group commands go here. */
  readonly groups: GroupChat;
  /** Files: the API's file commands, and file streams from the listener. */
  readonly files: FileChat;
  #stopped = false;
  /** Peers whose frames are being dropped, so the log says so once per flood. */
  readonly #overflowing = new Set<string>();

  constructor(options: MessengerOptions) {
    super();
    const log = (line: string): void => options.log?.(line);
    const now = options.now ?? Date.now;
    const chains = new PeerChains(log);
    const stopped = (): boolean => this.#stopped;
    const outbox = new Outbox({ state: options.session.state, signal: options.signal, links: options.links, chains, events: this, now, log, stopped });
    outbox.addCourier(new DirectCourier(options.links));
    this.groups = new GroupChat();
    this.files = new FileChat();
    this.#ctx = {
      localAddress: options.localAddress,
      onionKey: options.onionKey,
      groups: this.groups,
      files: this.files,
      session: options.session,
      state: options.session.state,
      signal: options.signal,
      links: options.links,
      limiter: options.limiter ?? new RequestLimiter(),
      now,
      log,
      live: new LiveStates(),
      chains,
      outbox,
      events: this,
      stopped,
    };
    this.groups.bind(this.#ctx);
    this.files.bind(this.#ctx, {
      dir: options.filesDir ?? options.session.filesDir,
      ...(options.dialFile === undefined ? {} : { dial: options.dialFile }),
      downloadsDir: options.downloadsDir ?? (() => join(homedir(), 'Downloads')),
      ...(options.relayClient === undefined ? {} : { relayClient: options.relayClient }),
      ...(options.fileRetryMs === undefined ? {} : { retryMs: options.fileRetryMs }),
      ...(options.fileFreeSpace === undefined ? {} : { freeSpace: options.fileFreeSpace }),
      groups: this.groups,
    });
    this.on('group.copy.progressed', ({ group, message }) => this.groups.copyProgressed(group, message));
  }

  /** Repairs what a crash between two writes can leave, then follows every contact and reacts to links and frames. */
  async start(): Promise<void> {
    for (const contact of this.#ctx.state.contacts()) await reconcile(this.#ctx, contact);
    this.#ctx.outbox.start();
    this.files.start();
    this.groups.start();
    const { links } = this.#ctx;
    links.on('link-up', ({ peer }) => {
      void this.#ctx.chains.run(peer, () => onLinkUp(this.#ctx, peer));
      this.files.linkUp(peer);
    });
    links.on('link-down', ({ peer }) => onLinkDown(this.#ctx, peer));
    links.on('frame', ({ peer, frame }) => {
      // The link reads as fast as the peer writes; without a bound, one peer could queue work (and frames) until memory
      // runs out. A dropped Signal frame is no loss: what is stored is resent until acknowledged.
      const { chains } = this.#ctx;
      if (chains.waiting(peer) >= MAX_WAITING_FRAMES) {
        if (!this.#overflowing.has(peer)) this.#ctx.log(`too many frames waiting from ${peer}; dropping until they are handled`);
        this.#overflowing.add(peer);
        return;
      }
      this.#overflowing.delete(peer);
      void chains.run(peer, () => onFrame(this.#ctx, peer, frame));
    });
    for (const contact of this.#ctx.state.contacts()) if (!contact.blocked) links.want(contact.address as OnionAddress);
  }

  stop(): void {
    this.#stopped = true;
    this.#ctx.outbox.stop();
    this.files.stop();
    this.#ctx.live.clearTimers();
  }

  /** The outbox, where a relay courier is registered beside the direct link (`outbox.addCourier`). */
  get outbox(): Outbox {
    return this.#ctx.outbox;
  }

  /**
   * A Signal message fetched from our relay mailbox for this contact, handled like one from their link (stored in
   * order, exactly once). Resolves once it is handled, so the mailbox is acknowledged only after the message is stored.
   */
  receiveRelayed(peer: OnionAddress, kind: 'prekey' | 'whisper', body: Uint8Array): Promise<void> {
    return this.#ctx.chains.run(peer, () => onSignal(this.#ctx, peer, kind, body));
  }

  /** Tells the contact (now, if their link is up; otherwise on the next link) where they may leave messages for us. */
  announceMailbox(peer: OnionAddress): Promise<void> {
    return this.#ctx.chains.run(peer, async () => {
      if (this.#ctx.state.contact(peer)?.status !== 'accepted') return;
      await sendEphemeral(this.#ctx, peer, mailboxAnnouncement(this.#ctx, peer));
      emitContact(this.#ctx, peer);
    });
  }

  /** A contact's view changed outside messaging (my mailbox for them was opened or closed). */
  contactChanged(address: string): void {
    if (this.#ctx.state.contact(address) !== undefined) emitContact(this.#ctx, address);
  }

  isBlocked(address: string): boolean {
    return isBlocked(this.#ctx, address);
  }

  // ——— commands ———

  contacts(): ContactDto[] {
    return this.#ctx.state
      .contacts()
      .filter((c) => !c.hidden)
      .sort((a, b) => (b.lastMessage?.at ?? 0) - (a.lastMessage?.at ?? 0) || a.nickname.localeCompare(b.nickname))
      .map((c) => contactDto(this.#ctx, c));
  }

  contact(address: string): ContactDto {
    return contactDto(this.#ctx, requireContact(this.#ctx.state, address));
  }

  requests(): ContactRequestDto[] {
    return pendingRequests(this.#ctx);
  }

  addContact(typedAddress: string, nickname: string, message: string): Promise<ContactDto> {
    return addContact(this.#ctx, typedAddress, nickname, message);
  }

  acceptRequest(id: string, nickname?: string): Promise<ContactDto> {
    return acceptRequest(this.#ctx, id, nickname);
  }

  rejectRequest(id: string, block: boolean): Promise<void> {
    return rejectRequest(this.#ctx, id, block);
  }

  async renameContact(address: string, nickname: string): Promise<ContactDto> {
    const contact = requireContact(this.#ctx.state, address);
    await this.#ctx.state.updateContact(contact.address, { nickname });
    return emitContact(this.#ctx, contact.address);
  }

  /**
   * Deletes the contact with its conversation and Signal session, in the peer's turn so nothing of theirs is stored
   * meanwhile: what they still send on the old session cannot be read, and talking again starts from a new request.
   */
  async removeContact(address: string): Promise<void> {
    const contact = requireContact(this.#ctx.state, address);
    const queued = this.#ctx.state.outbox().filter((e) => e.to === contact.address);
    await this.#ctx.chains.run(contact.address, async () => {
      await this.#ctx.signal.forgetSession(contact.address);
      await this.#ctx.session.deleteHistory(historyName(contactConversation(contact.address)));
      await this.#ctx.state.transact((tx) => {
        tx.contacts.remove(contact.address);
        tx.contactRequests.remove(contact.address);
        tx.outbox.removeTo(contact.address);
      });
    });
    this.#ctx.outbox.forget(contact.address as OnionAddress, queued.map((e) => e.id));
    this.#ctx.live.forget(contact.address);
    this.#ctx.links.unwant(contact.address as OnionAddress);
    this.#ctx.links.disconnect(contact.address as OnionAddress, 'shutdown');
    this.emit('contact.removed', { address: contact.address });
  }

  async setBlocked(address: string, blocked: boolean): Promise<ContactDto> {
    const contact = requireContact(this.#ctx.state, address);
    await this.#ctx.state.updateContact(contact.address, { blocked });
    const peer = contact.address as OnionAddress;
    if (blocked) {
      this.#ctx.links.unwant(peer);
      this.#ctx.links.disconnect(peer, 'blocked');
    } else {
      this.#ctx.links.want(peer);
    }
    return emitContact(this.#ctx, peer);
  }

  /** The contact's own choice for messages while they are offline; null follows the profile's default. */
  async setDelivery(address: string, delivery: 'hold' | 'relay' | null): Promise<ContactDto> {
    const contact = requireContact(this.#ctx.state, address);
    await this.#ctx.state.updateContact(contact.address, { delivery });
    return emitContact(this.#ctx, contact.address);
  }

  /** `via`: how to deliver it while the contact is offline; by default the contact's or the profile's choice. */
  sendText(address: string, text: string, via?: 'direct' | 'relay'): Promise<MessageDto> {
    return sendText(this.#ctx, address, text, via);
  }

  retry(address: string, id: string): Promise<MessageDto> {
    return retry(this.#ctx, address, id);
  }

  async history(address: string, before: string | undefined, limit: number): Promise<HistoryPageDto> {
    const contact = requireContact(this.#ctx.state, address);
    const conversation = contactConversation(contact.address);
    const history = await this.#ctx.session.history(historyName(conversation));
    const page = await history.page({ ...(before === undefined ? {} : { before: before as HistoryCursor }), limit });
    const pending = outboxById(this.#ctx);
    return {
      messages: page.messages.filter((m) => m.kind === 'text' || m.kind === 'file').map((m) => messageDto(this.#ctx, conversation, m, pending)),
      ...(page.before === null ? {} : { nextCursor: page.before }),
    };
  }

  async markRead(address: string): Promise<void> {
    const contact = requireContact(this.#ctx.state, address);
    if (contact.unread === 0) return;
    await this.#ctx.state.updateContact(contact.address, { unread: 0 });
    emitContact(this.#ctx, contact.address);
  }

  setTyping(address: string, typing: boolean): void {
    setTyping(this.#ctx, address, typing);
  }

  setPresence(presence: PresenceDto): Promise<PresenceDto> {
    return setPresence(this.#ctx, presence);
  }

  announceNickname(): Promise<void> {
    return announceNickname(this.#ctx);
  }

  async setVerified(address: string, verified: boolean): Promise<ContactDto> {
    const contact = requireContact(this.#ctx.state, address);
    await this.#ctx.state.updateContact(contact.address, { verified });
    return emitContact(this.#ctx, contact.address);
  }

  async acceptIdentityChange(address: string): Promise<ContactDto> {
    const contact = requireContact(this.#ctx.state, address);
    await this.#ctx.signal.acceptIdentityChange(contact.address);
    // In place: messages may have been stored (inSeq, unread) while the acceptance waited for the peer's Signal queue.
    await this.#ctx.state.updateContact(contact.address, { identityChanged: false, verified: false });
    return emitContact(this.#ctx, contact.address);
  }
}
