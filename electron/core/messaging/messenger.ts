// Conversations with contacts over peer links: requests, Signal envelopes, ordered exactly-once delivery, presence.
import { EventEmitter } from 'node:events';
import type { ContactDto, ContactRequestDto, HistoryPageDto, MessageDto, PresenceDto } from '../../shared/api/index.js';
import { assertNever } from '../../shared/assert-never.js';
import type { OnionAddress } from '../../shared/onion-address/index.js';
import type { ApplicationFrame } from '../protocol/index.js';
import { BindingError, IdentityChangedError, UntrustedIdentityError, verifyBinding } from '../signal/index.js';
import type { Contact, HistoryCursor } from '../store/index.js';
import { contactDto, emitContact, messageDto, outboxById } from './contact-dto.js';
import { requireContact } from './contact-lookup.js';
import { acceptRequest, addContact, isBlocked, onContactRequest, onRequestReceipt, pendingRequests, rejectRequest, sendRequest } from './contact-requests.js';
import { flush, onReceipt, reconcile, retry, sendText } from './delivery.js';
import { decodeEnvelope, encodeEnvelope, makeEnvelope, type Envelope, type EnvelopeBody } from './envelope.js';
import { LiveStates } from './live-state.js';
import type { MessengerContext, MessengerEvents, MessengerOptions } from './messenger-context.js';
import { PeerChains } from './peer-chains.js';
import { seal, sendEphemeral, trySend } from './peer-send.js';
import { announceNickname, setPresence, setPresenceFromPeer, setTyping, setTypingFromPeer } from './presence.js';
import { RequestLimiter } from './request-limiter.js';
import { historyRecord } from './store-records.js';

export type { MessengerOptions } from './messenger-context.js';

/** The messaging engine of one unlocked profile. */
export class Messenger extends EventEmitter<MessengerEvents> {
  readonly #ctx: MessengerContext;
  #stopped = false;

  constructor(options: MessengerOptions) {
    super();
    const log = (line: string): void => options.log?.(line);
    this.#ctx = {
      localAddress: options.localAddress,
      session: options.session,
      state: options.session.state,
      signal: options.signal,
      links: options.links,
      limiter: options.limiter ?? new RequestLimiter(),
      now: options.now ?? Date.now,
      log,
      live: new LiveStates(),
      chains: new PeerChains(log),
      events: this,
      stopped: () => this.#stopped,
    };
  }

  /** Repairs what a crash between two writes can leave, then follows every contact and reacts to links and frames. */
  async start(): Promise<void> {
    for (const contact of this.#ctx.state.contacts()) await reconcile(this.#ctx, contact);
    const { links } = this.#ctx;
    links.on('link-up', ({ peer }) => void this.#ctx.chains.run(peer, () => this.#onLinkUp(peer)));
    links.on('link-down', ({ peer }) => this.#onLinkDown(peer));
    links.on('frame', ({ peer, frame }) => void this.#ctx.chains.run(peer, () => this.#onFrame(peer, frame)));
    for (const contact of this.#ctx.state.contacts()) if (!contact.blocked) links.want(contact.address as OnionAddress);
  }

  stop(): void {
    this.#stopped = true;
    this.#ctx.live.clearTimers();
  }

  isBlocked(address: string): boolean {
    return isBlocked(this.#ctx, address);
  }

  // ——— commands ———

  contacts(): ContactDto[] {
    return this.#ctx.state
      .contacts()
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
    await this.#ctx.state.putContact({ ...contact, nickname });
    return emitContact(this.#ctx, contact.address);
  }

  async removeContact(address: string): Promise<void> {
    const contact = requireContact(this.#ctx.state, address);
    await this.#ctx.state.update((d) => {
      delete d.contacts[contact.address];
      delete d.contactRequests[contact.address];
      for (const [id, entry] of Object.entries(d.outbox)) if (entry.to === contact.address) delete d.outbox[id];
    });
    this.#ctx.links.unwant(contact.address as OnionAddress);
    this.#ctx.links.disconnect(contact.address as OnionAddress, 'shutdown');
    this.emit('contact.removed', { address: contact.address });
  }

  async setBlocked(address: string, blocked: boolean): Promise<ContactDto> {
    const contact = requireContact(this.#ctx.state, address);
    await this.#ctx.state.putContact({ ...contact, blocked });
    const peer = contact.address as OnionAddress;
    if (blocked) {
      this.#ctx.links.unwant(peer);
      this.#ctx.links.disconnect(peer, 'blocked');
    } else {
      this.#ctx.links.want(peer);
    }
    return emitContact(this.#ctx, peer);
  }

  sendText(address: string, text: string): Promise<MessageDto> {
    return sendText(this.#ctx, address, text);
  }

  retry(address: string, id: string): Promise<MessageDto> {
    return retry(this.#ctx, address, id);
  }

  async history(address: string, before: string | undefined, limit: number): Promise<HistoryPageDto> {
    const contact = requireContact(this.#ctx.state, address);
    const history = await this.#ctx.session.history(contact.address);
    const page = await history.page({ ...(before === undefined ? {} : { before: before as HistoryCursor }), limit });
    const pending = outboxById(this.#ctx);
    return {
      messages: page.messages.filter((m) => m.kind === 'text').map((m) => messageDto(this.#ctx, contact.address, m, pending)),
      ...(page.before === null ? {} : { nextCursor: page.before }),
    };
  }

  async markRead(address: string): Promise<void> {
    const contact = requireContact(this.#ctx.state, address);
    if (contact.unread === 0) return;
    await this.#ctx.state.putContact({ ...contact, unread: 0 });
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
    await this.#ctx.state.putContact({ ...contact, verified });
    return emitContact(this.#ctx, contact.address);
  }

  async acceptIdentityChange(address: string): Promise<ContactDto> {
    const contact = requireContact(this.#ctx.state, address);
    await this.#ctx.signal.acceptIdentityChange(contact.address);
    await this.#ctx.state.putContact({ ...contact, identityChanged: false, verified: false });
    return emitContact(this.#ctx, contact.address);
  }

  // ——— links and frames ———

  async #onLinkUp(peer: OnionAddress): Promise<void> {
    const contact = this.#ctx.state.contact(peer);
    if (contact === undefined || contact.blocked) return;
    this.#ctx.live.of(peer).transmitted.clear();
    if (contact.status === 'requested') {
      sendRequest(this.#ctx, peer);
    } else {
      const { presence } = this.#ctx.state.settings;
      await sendEphemeral(this.#ctx, peer, { kind: 'presence', presence });
      await sendEphemeral(this.#ctx, peer, { kind: 'profile', nickname: this.#ctx.state.nickname });
      await sendEphemeral(this.#ctx, peer, { kind: 'receipt', upTo: await this.#deliveredUpTo(peer, contact) });
    }
    await flush(this.#ctx, peer, 'all');
    emitContact(this.#ctx, peer);
  }

  #onLinkDown(peer: OnionAddress): void {
    const live = this.#ctx.live.get(peer);
    if (live !== undefined) {
      live.transmitted.clear();
      live.presence = undefined;
      live.typingUntil = undefined;
      clearTimeout(live.resendTimer);
    }
    if (this.#ctx.state.contact(peer) !== undefined) {
      emitContact(this.#ctx, peer);
      for (const entry of this.#ctx.state.outbox()) {
        if (entry.to === peer && entry.failed === null) this.emit('message.updated', { conversation: peer, id: entry.id, state: 'queued' });
      }
    }
  }

  async #onFrame(peer: OnionAddress, frame: ApplicationFrame): Promise<void> {
    switch (frame.type) {
      case 'contact-request':
        return onContactRequest(this.#ctx, peer, frame);
      case 'contact-request-receipt':
        return onRequestReceipt(this.#ctx, peer, frame.status);
      case 'signal':
        return this.#onSignal(peer, frame.kind, frame.body);
      default:
        return assertNever(frame);
    }
  }

  async #onSignal(peer: OnionAddress, kind: 'prekey' | 'whisper', body: Uint8Array): Promise<void> {
    const contact = this.#ctx.state.contact(peer);
    if (contact === undefined || contact.blocked) return this.#ctx.log(`dropped a Signal message from non-contact ${peer}`);
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(await this.#ctx.signal.decrypt(peer, { kind, body }));
    } catch (error) {
      if (error instanceof IdentityChangedError || error instanceof UntrustedIdentityError) {
        this.#ctx.log(`${peer} presented a different identity key; waiting for the user to review it`);
        await this.#ctx.state.putContact({ ...contact, identityChanged: true, verified: false });
        emitContact(this.#ctx, peer);
        return;
      }
      return this.#ctx.log(`could not read a message from ${peer}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { body: content } = envelope;
    switch (content.kind) {
      case 'text':
      case 'accept':
        return this.#onSequenced(peer, envelope, content);
      case 'receipt':
        return onReceipt(this.#ctx, peer, content.upTo);
      case 'presence':
        setPresenceFromPeer(this.#ctx, peer, content.presence);
        return;
      case 'typing':
        setTypingFromPeer(this.#ctx, peer, content.typing);
        return;
      case 'profile':
        await this.#ctx.state.putContact({ ...contact, theirNickname: content.nickname });
        emitContact(this.#ctx, peer);
        return;
      default:
        return assertNever(content);
    }
  }

  /**
   * Sequenced envelopes are stored in order, exactly once, and acknowledged only after they are durable. The receipt
   * is encrypted first, so one state write carries both ratchet steps; history is the record of what was stored.
   */
  async #onSequenced(peer: OnionAddress, envelope: Envelope, content: Extract<EnvelopeBody, { seq: number }>): Promise<void> {
    const contact = this.#ctx.state.contact(peer);
    if (contact === undefined) return;
    const inSeq = await this.#deliveredUpTo(peer, contact);
    if (content.seq <= inSeq) return sendEphemeral(this.#ctx, peer, { kind: 'receipt', upTo: inSeq });
    if (content.seq > inSeq + 1) return this.#ctx.log(`gap from ${peer}: got ${String(content.seq)} after ${String(inSeq)}; waiting for the resend`);

    if (content.kind === 'accept') {
      const identity = await this.#ctx.signal.peerIdentity(peer);
      try {
        if (identity === undefined) throw new BindingError(peer, 'signature');
        verifyBinding(peer, identity.identityKey, content.binding);
      } catch (error) {
        return this.#ctx.log(`acceptance from ${peer} refused: ${String(error)}`);
      }
    }
    const receipt = await seal(this.#ctx, peer, encodeEnvelope(makeEnvelope({ kind: 'receipt', upTo: content.seq }, this.#ctx.now())));
    if (content.kind === 'accept') {
      // Nothing goes to history, so the state write alone records that seq 1 arrived.
      await this.#ctx.state.update((d) => {
        const record = d.contacts[peer];
        if (record === undefined) return;
        record.status = 'accepted';
        record.theirNickname = content.nickname;
        record.inSeq = content.seq;
        delete d.contactRequests[peer];
      });
    } else {
      const stored = historyRecord(envelope, 'in', content.text, this.#ctx.now());
      const history = await this.#ctx.session.history(peer);
      await Promise.all([
        history.append(stored),
        this.#ctx.state.update((d) => {
          const record = d.contacts[peer];
          if (record === undefined) return;
          record.unread += 1;
          record.lastMessage = { text: content.text, at: envelope.sentAt, direction: 'in' };
        }),
      ]);
      setTypingFromPeer(this.#ctx, peer, false);
      this.emit('message.received', messageDto(this.#ctx, peer, stored));
    }
    this.#ctx.live.of(peer).inSeq = content.seq;
    if (receipt !== undefined) trySend(this.#ctx, peer, { type: 'signal', kind: receipt.kind, body: receipt.body });
    if (content.kind === 'accept') await flush(this.#ctx, peer, 'all');
    emitContact(this.#ctx, peer);
  }

  /**
   * The highest sequence number stored from this peer: `inSeq` in state for the acceptance (which has no history
   * entry), else the newest incoming message in history. History is appended before anything is acknowledged, so
   * it is the truth after any crash.
   */
  async #deliveredUpTo(peer: OnionAddress, contact: Contact): Promise<number> {
    const live = this.#ctx.live.of(peer);
    if (live.inSeq !== undefined) return live.inSeq;
    const newest = await (await this.#ctx.session.history(peer)).page({ limit: 50 });
    live.inSeq = Math.max(contact.inSeq, ...newest.messages.filter((m) => m.direction === 'in').map((m) => m.seq ?? 0));
    return live.inSeq;
  }

  // ——— sending ———

}
