// The outbox on its way to a peer: stored before sent, sent in order, resent until a receipt, repaired after a crash.
import type { MessageDto } from '../../shared/api/index.js';
import { ApiError } from '../../shared/api/index.js';
import type { OnionAddress } from '../../shared/onion-address/index.js';
import { IdentityChangedError, UntrustedIdentityError, type SignalCiphertext } from '../signal/index.js';
import type { Contact, ConversationHistory, HistoryPage, OutboxEntry } from '../store/index.js';
import { emitContact, messageDto } from './contact-dto.js';
import { requireContact } from './contact-lookup.js';
import { decodeEnvelope, encodeEnvelope, makeEnvelope, type Envelope } from './envelope.js';
import type { MessengerContext } from './messenger-context.js';
import { seal, trySend } from './peer-send.js';
import { historyRecord, outboxRecord } from './store-records.js';

/** Unacknowledged messages on a live link are sent again after this long (the receiver drops duplicates). */
const RESEND_AFTER_MS = 20_000;

/**
 * Encrypts the message if it can go out now, then stores it (outbox entry, counter and the ratchet step in one
 * state write, history beside it) and only then hands it to the link: stored before sent, no key used unsaved.
 */
export async function sendText(ctx: MessengerContext, address: string, text: string): Promise<MessageDto> {
  const contact = requireContact(ctx.state, address);
  if (contact.blocked) throw new ApiError('blocked', `You blocked ${contact.nickname}; unblock them to send messages.`);
  if (contact.identityChanged) {
    throw new ApiError('identity-changed', `${contact.nickname}'s safety number changed. Review it before sending more messages.`);
  }
  const peer = contact.address as OnionAddress;
  return ctx.chains.run(peer, async () => {
    const current = requireContact(ctx.state, peer);
    const seq = current.outSeq + 1;
    const envelope = makeEnvelope({ kind: 'text', seq, text }, ctx.now());
    const stored = historyRecord(envelope, 'out', text, ctx.now());
    const history = await ctx.session.history(peer);
    const sendNow = unsent(ctx, peer).length === 0 ? await seal(ctx, peer, encodeEnvelope(envelope)) : undefined;
    await Promise.all([
      ctx.state.update((d) => {
        const record = d.contacts[peer];
        if (record === undefined) throw new ApiError('contact-not-found', 'This contact was removed.');
        record.outSeq = seq;
        record.lastMessage = { text, at: envelope.sentAt, direction: 'out' };
        d.outbox[envelope.id] = outboxRecord(envelope, peer, seq, ctx.now());
      }),
      history.append(stored),
    ]);
    emitContact(ctx, peer);
    if (sendNow === undefined) await flush(ctx, peer, 'unsent');
    else transmit(ctx, peer, envelope.id, sendNow);
    return messageDto(ctx, peer, stored);
  });
}

export async function retry(ctx: MessengerContext, address: string, id: string): Promise<MessageDto> {
  const contact = requireContact(ctx.state, address);
  const entry = ctx.state.outbox().find((e) => e.id === id && e.to === contact.address);
  if (entry === undefined) throw new ApiError('message-not-found', 'This message was already delivered or removed.');
  await ctx.state.putOutboxEntry({ ...entry, failed: null });
  const envelope = decodeEnvelope(entry.envelope);
  const text = envelope.body.kind === 'text' ? envelope.body.text : '';
  ctx.events.emit('message.updated', { conversation: contact.address, id, state: 'queued' });
  await ctx.chains.run(contact.address, () => flush(ctx, contact.address as OnionAddress, 'unsent'));
  return messageDto(ctx, contact.address, historyRecord(envelope, 'out', text, envelope.sentAt));
}

/** History read back a page at a time when looking for our newest stored message. */
const RECONCILE_PAGE = 100;

/**
 * Repairs what a crash between the two writes of one message (state and history, side by side) left behind.
 * Work for a peer is serial, so only its last operation can be half done, and that one's history entry, if
 * written, is the newest:
 * - outbox entries newer than our newest message in history never reached history: appended now, in order;
 * - our messages in the newest page that state lost (seq above outSeq) go back into the outbox;
 * - a stored incoming message above inSeq moves inSeq up, so it is acknowledged and never stored twice.
 */
export async function reconcile(ctx: MessengerContext, contact: Contact): Promise<void> {
  const history = await ctx.session.history(contact.address);
  // History outlives a removed contact; what was stored before the contact was added again has other numbers.
  const addedAt = Date.parse(contact.addedAt);
  const current = (page: HistoryPage): HistoryPage => ({ ...page, messages: page.messages.filter((m) => m.storedAt >= addedAt) });
  const first = current(await history.page({ limit: RECONCILE_PAGE }));
  const queued = ctx.state
    .outbox()
    .filter((entry) => entry.to === contact.address)
    .sort((a, b) => a.seq - b.seq);
  if (queued.length > 0) {
    const storedUpTo = await newestOutgoingSeq(history, first, current);
    for (const entry of queued) {
      const envelope = decodeEnvelope(entry.envelope);
      // One older than the contact's (re)start was carried over into a conversation that started again: its history
      // entry was written back then, under its old number.
      if (entry.seq <= storedUpTo || envelope.body.kind !== 'text' || Date.parse(entry.createdAt) < addedAt) continue;
      await history.append(historyRecord(envelope, 'out', envelope.body.text, ctx.now()));
    }
  }
  const texts = first.messages.filter((m) => m.kind === 'text');
  const lost = texts.filter((m) => m.direction === 'out' && (m.seq ?? 0) > contact.outSeq).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  const inSeq = Math.max(contact.inSeq, ...texts.filter((m) => m.direction === 'in').map((m) => m.seq ?? 0));
  if (lost.length === 0 && inSeq === contact.inSeq) return;
  await ctx.state.update((d) => {
    const record = d.contacts[contact.address];
    if (record === undefined) return;
    record.inSeq = Math.max(record.inSeq, inSeq);
    for (const message of lost) {
      const seq = message.seq ?? 0;
      const envelope: Envelope = { v: 1, id: message.id, sentAt: message.sentAt, body: { kind: 'text', seq, text: message.body } };
      d.outbox[message.id] = outboxRecord(envelope, contact.address, seq, ctx.now());
      record.outSeq = Math.max(record.outSeq, seq);
    }
  });
}

/** The sequence number of our newest text message in history, looking back as far as it takes; 0 if none. */
async function newestOutgoingSeq(history: ConversationHistory, first: HistoryPage, current: (page: HistoryPage) => HistoryPage): Promise<number> {
  for (let page = first; ; ) {
    const found = page.messages.find((m) => m.direction === 'out' && m.kind === 'text');
    if (found !== undefined) return found.seq ?? 0;
    if (page.before === null) return 0;
    page = current(await history.page({ before: page.before, limit: RECONCILE_PAGE }));
  }
}

/**
 * A receipt means the contact stored everything up to `upTo`, so those messages are delivered now; removing them
 * from the outbox can follow. If that write is lost in a crash they are only sent again, and the contact drops them.
 */
export async function onReceipt(ctx: MessengerContext, peer: OnionAddress, upTo: number): Promise<void> {
  const acknowledged = ctx.state.outbox().filter((e) => e.to === peer && e.seq <= upTo);
  if (acknowledged.length === 0) return;
  const live = ctx.live.of(peer);
  for (const entry of acknowledged) {
    live.transmitted.delete(entry.id);
    if (decodeEnvelope(entry.envelope).body.kind === 'text') ctx.events.emit('message.updated', { conversation: peer, id: entry.id, state: 'delivered' });
  }
  await ctx.state.update((d) => {
    for (const entry of acknowledged) delete d.outbox[entry.id];
  });
}

/** Outbox entries for the peer that are still to be tried and not yet sent on the current link, in order. */
function unsent(ctx: MessengerContext, peer: OnionAddress): OutboxEntry[] {
  const live = ctx.live.get(peer);
  return ctx.state
    .outbox()
    .filter((e) => e.to === peer && e.failed === null && live?.transmitted.has(e.id) !== true)
    .sort((a, b) => a.seq - b.seq);
}

/**
 * Sends the peer's outbox in sequence order, if a link and a session exist: `unsent` only what this link has not
 * carried yet, `all` everything unacknowledged (after link-up, and every 20 s while receipts are missing). All
 * ciphertexts are made first, their ratchet steps written once, then sent.
 */
export async function flush(ctx: MessengerContext, peer: OnionAddress, which: 'all' | 'unsent'): Promise<void> {
  if (ctx.stopped()) return;
  const { links, signal } = ctx;
  const pending =
    which === 'unsent'
      ? unsent(ctx, peer)
      : ctx.state
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
      await fail(ctx, peer, entry, 'identity-changed');
      break;
    }
  }
  await ctx.state.persist();
  for (const { id, ciphertext } of sealed) if (!transmit(ctx, peer, id, ciphertext)) break;
}

/** Hands one stored message's ciphertext to the link and schedules a resend in case no receipt comes. */
function transmit(ctx: MessengerContext, peer: OnionAddress, id: string, ciphertext: SignalCiphertext): boolean {
  if (!trySend(ctx, peer, { type: 'signal', kind: ciphertext.kind, body: ciphertext.body })) return false;
  const live = ctx.live.of(peer);
  if (!live.transmitted.has(id)) {
    live.transmitted.add(id);
    ctx.events.emit('message.updated', { conversation: peer, id, state: 'sent' });
  }
  clearTimeout(live.resendTimer);
  live.resendTimer = setTimeout(() => void ctx.chains.run(peer, () => flush(ctx, peer, 'all')), RESEND_AFTER_MS);
  live.resendTimer.unref();
  return true;
}

async function fail(ctx: MessengerContext, peer: OnionAddress, entry: OutboxEntry, reason: string): Promise<void> {
  await ctx.state.putOutboxEntry({ ...entry, failed: reason });
  ctx.events.emit('message.updated', { conversation: peer, id: entry.id, state: 'failed', error: reason });
}
