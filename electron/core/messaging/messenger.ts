// Conversations with contacts over peer links: requests, Signal envelopes, ordered exactly-once delivery, presence.
import { EventEmitter } from 'node:events';
import type { ContactDto, ContactRequestDto, HistoryPageDto, MessageDto, PresenceDto } from '../../shared/api/index.js';
import { ApiError } from '../../shared/api/index.js';
import { assertNever } from '../../shared/assert-never.js';
import type { OnionAddress } from '../../shared/onion-address/index.js';
import { LinkClosedError, NoLinkError, SendBufferFullError } from '../link/index.js';
import type { ApplicationFrame, ContactRequestFrame } from '../protocol/index.js';
import { BindingError, IdentityChangedError, UntrustedIdentityError, verifyBinding, type SignalCiphertext } from '../signal/index.js';
import { newContact } from '../store/index.js';
import type { Contact, HistoryCursor, HistoryMessage, OutboxEntry } from '../store/index.js';
import { contactDto, emitContact, messageDto, outboxById } from './contact-dto.js';
import { parseAddress, requireContact } from './contact-lookup.js';
import { decodeEnvelope, encodeEnvelope, makeEnvelope, type Envelope, type EnvelopeBody } from './envelope.js';
import { decodeIntroduction, encodeIntroduction } from './introduction-codec.js';
import { LiveStates } from './live-state.js';
import type { MessengerContext, MessengerEvents, MessengerOptions } from './messenger-context.js';
import { PeerChains } from './peer-chains.js';
import { RequestLimiter } from './request-limiter.js';

/** How long a "typing" signal lasts unless renewed. */
const TYPING_TTL_MS = 6_000;
/** Unacknowledged messages on a live link are sent again after this long (the receiver drops duplicates). */
const RESEND_AFTER_MS = 20_000;

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
    for (const contact of this.#ctx.state.contacts()) await this.#reconcile(contact);
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

  /** Whether a caller may connect at all: blocked addresses are refused at the handshake. */
  isBlocked(address: string): boolean {
    if (this.#stopped) return true;
    return this.#ctx.state.contact(address)?.blocked === true || this.#ctx.state.contactRequests().some((r) => r.address === address && r.status === 'blocked');
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
    return this.#ctx.state
      .contactRequests()
      .filter((r) => r.direction === 'incoming' && r.status === 'pending')
      .map((r) => ({ id: r.address, address: r.address, nickname: r.nickname, message: r.message, receivedAt: r.at }));
  }

  /** Adds a contact by address and sends them a request; a pending request from them is accepted instead. */
  async addContact(typedAddress: string, nickname: string, message: string): Promise<ContactDto> {
    const address = parseAddress(typedAddress);
    if (address === this.#ctx.localAddress) throw new ApiError('own-address', 'This is your own address; share it with a friend and add theirs.');
    const existing = this.#ctx.state.contact(address);
    if (existing !== undefined && !existing.blocked) throw new ApiError('already-contact', `${existing.nickname} is already in your contacts.`);
    const theirRequest = this.#ctx.state.contactRequests().find((r) => r.address === address && r.direction === 'incoming' && r.status === 'pending');
    if (theirRequest !== undefined) return this.acceptRequest(address, nickname);

    const introduction = await this.#ctx.signal.localIdentity();
    const at = new Date(this.#ctx.now()).toISOString();
    await this.#ctx.state.update((d) => {
      d.contacts[address] = newContact({ address, nickname, addedAt: at, status: 'requested' });
      d.contactRequests[address] = {
        address,
        direction: 'outgoing',
        nickname: this.#ctx.state.nickname,
        message,
        at,
        status: 'pending',
        delivered: false,
        payload: toBase64(encodeIntroduction(introduction)),
      };
    });
    this.#ctx.links.want(address);
    if (this.#ctx.links.isUp(address)) this.#sendRequest(address);
    return emitContact(this.#ctx, address);
  }

  /** Accepts a stranger's request: start the Signal session from their bundle and send our acceptance first. */
  async acceptRequest(id: string, nickname?: string): Promise<ContactDto> {
    const request = this.#ctx.state.contactRequests().find((r) => r.address === id && r.direction === 'incoming' && r.status === 'pending');
    if (request === undefined) throw new ApiError('request-not-found', 'This request is no longer waiting for an answer.');
    const address = request.address as OnionAddress;
    return this.#ctx.chains.run(address, async () => {
      try {
        await this.#ctx.signal.startSession(address, decodeIntroduction(request.payload));
      } catch (error) {
        if (!(error instanceof BindingError)) throw error;
        await this.#ctx.state.removeContactRequest(address);
        this.emit('request.removed', { id: address });
        throw new ApiError('request-not-found', 'This request was not really signed by its sender and has been discarded.');
      }
      const { binding } = this.#ctx.signal.localBinding();
      const accept = makeEnvelope({ kind: 'accept', seq: 1, nickname: this.#ctx.state.nickname, binding }, this.#ctx.now());
      const at = new Date(this.#ctx.now()).toISOString();
      await this.#ctx.state.update((d) => {
        d.contacts[address] = { ...newContact({ address, nickname: nickname ?? request.nickname, addedAt: at, status: 'accepted' }), theirNickname: request.nickname, outSeq: 1 };
        delete d.contactRequests[address];
        d.outbox[accept.id] = outboxRecord(accept, address, 1, this.#ctx.now());
      });
      this.emit('request.removed', { id: address });
      this.#ctx.links.want(address);
      await this.#flush(address, 'all');
      return emitContact(this.#ctx, address);
    });
  }

  async rejectRequest(id: string, block: boolean): Promise<void> {
    const request = this.#ctx.state.contactRequests().find((r) => r.address === id && r.direction === 'incoming');
    if (request === undefined) throw new ApiError('request-not-found', 'This request is no longer waiting for an answer.');
    if (block) {
      await this.#ctx.state.putContactRequest({ ...request, status: 'blocked', message: '', payload: new Uint8Array(0) });
      this.#ctx.links.disconnect(request.address as OnionAddress, 'blocked');
    } else {
      await this.#ctx.state.removeContactRequest(request.address);
    }
    this.emit('request.removed', { id });
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

  /**
   * Encrypts the message if it can go out now, then stores it (outbox entry, counter and the ratchet step in one
   * state write, history beside it) and only then hands it to the link: stored before sent, no key used unsaved.
   */
  async sendText(address: string, text: string): Promise<MessageDto> {
    const contact = requireContact(this.#ctx.state, address);
    if (contact.blocked) throw new ApiError('blocked', `You blocked ${contact.nickname}; unblock them to send messages.`);
    if (contact.identityChanged) {
      throw new ApiError('identity-changed', `${contact.nickname}'s safety number changed. Review it before sending more messages.`);
    }
    const peer = contact.address as OnionAddress;
    return this.#ctx.chains.run(peer, async () => {
      const current = requireContact(this.#ctx.state, peer);
      const seq = current.outSeq + 1;
      const envelope = makeEnvelope({ kind: 'text', seq, text }, this.#ctx.now());
      const stored = historyRecord(envelope, 'out', text, this.#ctx.now());
      const history = await this.#ctx.session.history(peer);
      const sendNow = this.#unsent(peer).length === 0 ? await this.#seal(peer, encodeEnvelope(envelope)) : undefined;
      await Promise.all([
        this.#ctx.state.update((d) => {
          const record = d.contacts[peer];
          if (record === undefined) throw new ApiError('contact-not-found', 'This contact was removed.');
          record.outSeq = seq;
          record.lastMessage = { text, at: envelope.sentAt, direction: 'out' };
          d.outbox[envelope.id] = outboxRecord(envelope, peer, seq, this.#ctx.now());
        }),
        history.append(stored),
      ]);
      emitContact(this.#ctx, peer);
      if (sendNow === undefined) await this.#flush(peer, 'unsent');
      else this.#transmit(peer, envelope.id, sendNow);
      return messageDto(this.#ctx, peer, stored);
    });
  }

  async retry(address: string, id: string): Promise<MessageDto> {
    const contact = requireContact(this.#ctx.state, address);
    const entry = this.#ctx.state.outbox().find((e) => e.id === id && e.to === contact.address);
    if (entry === undefined) throw new ApiError('message-not-found', 'This message was already delivered or removed.');
    await this.#ctx.state.putOutboxEntry({ ...entry, failed: null });
    const envelope = decodeEnvelope(entry.envelope);
    const text = envelope.body.kind === 'text' ? envelope.body.text : '';
    this.emit('message.updated', { conversation: contact.address, id, state: 'queued' });
    await this.#ctx.chains.run(contact.address, () => this.#flush(contact.address as OnionAddress, 'unsent'));
    return messageDto(this.#ctx, contact.address, historyRecord(envelope, 'out', text, envelope.sentAt));
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
    const contact = requireContact(this.#ctx.state, address);
    void this.#sendEphemeral(contact.address as OnionAddress, { kind: 'typing', typing });
  }

  async setPresence(presence: PresenceDto): Promise<PresenceDto> {
    await this.#ctx.state.updateSettings({ presence: { status: presence.status, text: presence.text } });
    for (const contact of this.#ctx.state.contacts()) void this.#sendEphemeral(contact.address as OnionAddress, { kind: 'presence', presence });
    return presence;
  }

  async announceNickname(): Promise<void> {
    for (const contact of this.#ctx.state.contacts()) await this.#sendEphemeral(contact.address as OnionAddress, { kind: 'profile', nickname: this.#ctx.state.nickname });
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
      this.#sendRequest(peer);
    } else {
      const { presence } = this.#ctx.state.settings;
      await this.#sendEphemeral(peer, { kind: 'presence', presence });
      await this.#sendEphemeral(peer, { kind: 'profile', nickname: this.#ctx.state.nickname });
      await this.#sendEphemeral(peer, { kind: 'receipt', upTo: await this.#deliveredUpTo(peer, contact) });
    }
    await this.#flush(peer, 'all');
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
        return this.#onContactRequest(peer, frame);
      case 'contact-request-receipt': {
        const request = this.#ctx.state.contactRequests().find((r) => r.address === peer && r.direction === 'outgoing');
        if (request !== undefined && frame.status === 'received') await this.#ctx.state.putContactRequest({ ...request, delivered: true });
        this.#ctx.log(`contact request to ${peer}: ${frame.status}`);
        return;
      }
      case 'signal':
        return this.#onSignal(peer, frame.kind, frame.body);
      default:
        return assertNever(frame);
    }
  }

  async #onContactRequest(peer: OnionAddress, frame: ContactRequestFrame): Promise<void> {
    const contact = this.#ctx.state.contact(peer);
    const reply = (status: 'received' | 'rate-limited' | 'blocked' | 'already-contact'): void => {
      this.#trySend(peer, { type: 'contact-request-receipt', status });
    };
    if (this.isBlocked(peer)) return reply('blocked');
    const introduction = { signalIdentityKey: frame.signalIdentityKey, binding: frame.binding, prekeyBundle: frame.prekeyBundle };
    try {
      verifyBinding(peer, introduction.signalIdentityKey, introduction.binding);
    } catch (error) {
      this.#ctx.log(`refused a contact request from ${peer}: ${String(error)}`);
      return;
    }
    if (contact?.status === 'accepted') return reply('already-contact');
    const pending = this.#ctx.state.contactRequests().filter((r) => r.direction === 'incoming' && r.status === 'pending').length;
    const verdict = this.#ctx.limiter.admit(peer, pending, this.#ctx.now());
    if (verdict !== 'accept') {
      this.#ctx.log(`contact request from ${peer} refused: ${verdict}`);
      return reply('rate-limited');
    }
    const request = {
      address: peer,
      direction: 'incoming' as const,
      nickname: frame.nickname,
      message: frame.message,
      at: new Date(this.#ctx.now()).toISOString(),
      status: 'pending' as const,
      delivered: true,
      payload: encodeIntroduction(introduction),
    };
    if (contact?.status === 'requested') {
      // Both added each other. The smaller address accepts, so exactly one side starts the Signal session.
      if (this.#ctx.localAddress < peer) {
        await this.#ctx.state.update((d) => {
          d.contactRequests[peer] = { ...request, payload: toBase64(request.payload) };
        });
        reply('received');
        await this.#acceptRequestInChain(peer);
      } else {
        reply('received');
      }
      return;
    }
    await this.#ctx.state.putContactRequest(request);
    reply('received');
    this.emit('request.received', { id: peer, address: peer, nickname: frame.nickname, message: frame.message, receivedAt: request.at });
  }

  /** acceptRequest for use inside this peer's chain (it must not queue behind itself). */
  async #acceptRequestInChain(peer: OnionAddress): Promise<void> {
    const request = this.#ctx.state.contactRequests().find((r) => r.address === peer && r.direction === 'incoming');
    if (request === undefined) return;
    await this.#ctx.signal.startSession(peer, decodeIntroduction(request.payload));
    const { binding } = this.#ctx.signal.localBinding();
    const accept = makeEnvelope({ kind: 'accept', seq: 1, nickname: this.#ctx.state.nickname, binding }, this.#ctx.now());
    await this.#ctx.state.update((d) => {
      const record = d.contacts[peer];
      if (record === undefined) return;
      record.status = 'accepted';
      record.theirNickname = request.nickname;
      record.outSeq = 1;
      delete d.contactRequests[peer];
      d.outbox[accept.id] = outboxRecord(accept, peer, 1, this.#ctx.now());
    });
    await this.#flush(peer, 'all');
    emitContact(this.#ctx, peer);
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
        return this.#onReceipt(peer, content.upTo);
      case 'presence':
        this.#ctx.live.of(peer).presence = content.presence;
        emitContact(this.#ctx, peer);
        return;
      case 'typing':
        this.#setTypingFromPeer(peer, content.typing);
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
    if (content.seq <= inSeq) return this.#sendEphemeral(peer, { kind: 'receipt', upTo: inSeq });
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
    const receipt = await this.#seal(peer, encodeEnvelope(makeEnvelope({ kind: 'receipt', upTo: content.seq }, this.#ctx.now())));
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
      this.#setTypingFromPeer(peer, false);
      this.emit('message.received', messageDto(this.#ctx, peer, stored));
    }
    this.#ctx.live.of(peer).inSeq = content.seq;
    if (receipt !== undefined) this.#trySend(peer, { type: 'signal', kind: receipt.kind, body: receipt.body });
    if (content.kind === 'accept') await this.#flush(peer, 'all');
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

  /**
   * A crash between the outbox write and the history append (they run side by side) leaves one message in one
   * of them only: put it back in the other, so it is both shown and delivered.
   */
  async #reconcile(contact: Contact): Promise<void> {
    const history = await this.#ctx.session.history(contact.address);
    const newest = (await history.page({ limit: 50 })).messages.filter((m) => m.direction === 'out' && m.kind === 'text');
    for (const entry of this.#ctx.state.outbox().filter((e) => e.to === contact.address)) {
      const envelope = decodeEnvelope(entry.envelope);
      if (envelope.body.kind !== 'text' || newest.some((m) => m.id === entry.id)) continue;
      await history.append(historyRecord(envelope, 'out', envelope.body.text, this.#ctx.now()));
    }
    const lost = newest.filter((m) => (m.seq ?? 0) > contact.outSeq).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    if (lost.length === 0) return;
    await this.#ctx.state.update((d) => {
      const record = d.contacts[contact.address];
      if (record === undefined) return;
      for (const message of lost) {
        const seq = message.seq ?? 0;
        const envelope: Envelope = { v: 1, id: message.id, sentAt: message.sentAt, body: { kind: 'text', seq, text: message.body } };
        d.outbox[message.id] = outboxRecord(envelope, contact.address, seq, this.#ctx.now());
        record.outSeq = Math.max(record.outSeq, seq);
      }
    });
  }

  /**
   * A receipt means the contact stored everything up to `upTo`, so those messages are delivered now; removing them
   * from the outbox can follow. If that write is lost in a crash they are only sent again, and the contact drops them.
   */
  async #onReceipt(peer: OnionAddress, upTo: number): Promise<void> {
    const acknowledged = this.#ctx.state.outbox().filter((e) => e.to === peer && e.seq <= upTo);
    if (acknowledged.length === 0) return;
    const live = this.#ctx.live.of(peer);
    for (const entry of acknowledged) {
      live.transmitted.delete(entry.id);
      if (decodeEnvelope(entry.envelope).body.kind === 'text') this.emit('message.updated', { conversation: peer, id: entry.id, state: 'delivered' });
    }
    await this.#ctx.state.update((d) => {
      for (const entry of acknowledged) delete d.outbox[entry.id];
    });
  }


  // ——— sending ———

  #sendRequest(peer: OnionAddress): void {
    const request = this.#ctx.state.contactRequests().find((r) => r.address === peer && r.direction === 'outgoing');
    if (request === undefined) return;
    const introduction = decodeIntroduction(request.payload);
    this.#trySend(peer, { type: 'contact-request', nickname: request.nickname, message: request.message, ...introduction });
  }

  /** Outbox entries for the peer that are still to be tried and not yet sent on the current link, in order. */
  #unsent(peer: OnionAddress): OutboxEntry[] {
    const live = this.#ctx.live.get(peer);
    return this.#ctx.state
      .outbox()
      .filter((e) => e.to === peer && e.failed === null && live?.transmitted.has(e.id) !== true)
      .sort((a, b) => a.seq - b.seq);
  }

  /**
   * Sends the peer's outbox in sequence order, if a link and a session exist: `unsent` only what this link has not
   * carried yet, `all` everything unacknowledged (after link-up, and every 20 s while receipts are missing). All
   * ciphertexts are made first, their ratchet steps written once, then sent.
   */
  async #flush(peer: OnionAddress, which: 'all' | 'unsent'): Promise<void> {
    if (this.#stopped) return;
    const { links, signal } = this.#ctx;
    const pending =
      which === 'unsent'
        ? this.#unsent(peer)
        : this.#ctx.state
            .outbox()
            .filter((e) => e.to === peer && e.failed === null)
            .sort((a, b) => a.seq - b.seq);
    if (pending.length === 0) return;
    if (!links.isUp(peer)) {
      links.want(peer);
      return;
    }
    if (!(await signal.hasSession(peer))) return;
    const sealed: { id: string; ciphertext: SignalCiphertext }[] = [];
    for (const entry of pending) {
      try {
        sealed.push({ id: entry.id, ciphertext: await signal.encrypt(peer, entry.envelope) });
      } catch (error) {
        if (!(error instanceof IdentityChangedError || error instanceof UntrustedIdentityError)) throw error;
        await this.#fail(peer, entry, 'identity-changed');
        break;
      }
    }
    await this.#ctx.state.persist();
    for (const { id, ciphertext } of sealed) if (!this.#transmit(peer, id, ciphertext)) break;
  }

  /** Hands one stored message's ciphertext to the link and schedules a resend in case no receipt comes. */
  #transmit(peer: OnionAddress, id: string, ciphertext: SignalCiphertext): boolean {
    if (!this.#trySend(peer, { type: 'signal', kind: ciphertext.kind, body: ciphertext.body })) return false;
    const live = this.#ctx.live.of(peer);
    if (!live.transmitted.has(id)) {
      live.transmitted.add(id);
      this.emit('message.updated', { conversation: peer, id, state: 'sent' });
    }
    clearTimeout(live.resendTimer);
    live.resendTimer = setTimeout(() => void this.#ctx.chains.run(peer, () => this.#flush(peer, 'all')), RESEND_AFTER_MS);
    live.resendTimer.unref();
    return true;
  }

  /** Encrypts for the peer when a link and session exist; the ratchet step is staged for the caller's next write. */
  async #seal(peer: OnionAddress, plaintext: Uint8Array): Promise<SignalCiphertext | undefined> {
    const { links, signal } = this.#ctx;
    if (!links.isUp(peer) || this.#ctx.state.contact(peer)?.status !== 'accepted' || !(await signal.hasSession(peer))) return undefined;
    try {
      return await signal.encrypt(peer, plaintext);
    } catch (error) {
      this.#ctx.log(`could not encrypt for ${peer}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  async #fail(peer: OnionAddress, entry: OutboxEntry, reason: string): Promise<void> {
    await this.#ctx.state.putOutboxEntry({ ...entry, failed: reason });
    this.emit('message.updated', { conversation: peer, id: entry.id, state: 'failed', error: reason });
  }

  /** Presence, typing, receipts and profile: sent only if the link and session are there, never stored. */
  async #sendEphemeral(peer: OnionAddress, body: EnvelopeBody): Promise<void> {
    const sealed = await this.#seal(peer, encodeEnvelope(makeEnvelope(body, this.#ctx.now())));
    if (sealed === undefined) return;
    await this.#ctx.state.persist();
    this.#trySend(peer, { type: 'signal', kind: sealed.kind, body: sealed.body });
  }

  /**
   * Hands a frame to the peer's link. A link can drop between any two awaits; what was not sent stays in the
   * outbox and goes out on the next link, so a missing or full link is an answer (false), not an error.
   */
  #trySend(peer: OnionAddress, frame: ApplicationFrame): boolean {
    try {
      return this.#ctx.links.send(peer, frame);
    } catch (error) {
      if (error instanceof NoLinkError || error instanceof LinkClosedError || error instanceof SendBufferFullError) return false;
      throw error;
    }
  }

  // ——— views ———

  #setTypingFromPeer(peer: OnionAddress, typing: boolean): void {
    const live = this.#ctx.live.of(peer);
    clearTimeout(live.typingTimer);
    live.typingUntil = typing ? this.#ctx.now() + TYPING_TTL_MS : undefined;
    if (typing) {
      live.typingTimer = setTimeout(() => this.#setTypingFromPeer(peer, false), TYPING_TTL_MS);
      live.typingTimer.unref();
    }
    if (this.#ctx.state.contact(peer) !== undefined) emitContact(this.#ctx, peer);
  }
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function outboxRecord(envelope: Envelope, to: string, seq: number, now: number) {
  return {
    id: envelope.id,
    to,
    seq,
    createdAt: new Date(now).toISOString(),
    envelope: toBase64(encodeEnvelope(envelope)),
    attempts: 0,
    nextAttemptAt: null,
    via: 'direct' as const,
    failed: null,
  };
}

function historyRecord(envelope: Envelope, direction: 'in' | 'out', text: string, storedAt: number): HistoryMessage {
  const seq = 'seq' in envelope.body ? envelope.body.seq : undefined;
  return { id: envelope.id, direction, kind: envelope.body.kind, body: text, sentAt: envelope.sentAt, storedAt, ...(seq === undefined ? {} : { seq }) };
}
