// Our messages to a contact: stored before sent (the outbox sends them), retried on request, repaired after a crash.
import type { MessageDto } from '../../shared/api/index.js';
import { ApiError } from '../../shared/api/index.js';
import type { OnionAddress } from '../../shared/onion-address/index.js';
import type { Contact, ConversationHistory, HistoryPage, OutboxEntry } from '../store/index.js';
import { emitContact, messageDto } from './contact-dto.js';
import { requireContact } from './contact-lookup.js';
import { contactConversation, historyName } from './conversation-id.js';
import { decodeEnvelope, makeEnvelope, type Envelope } from './envelope.js';
import type { MessengerContext } from './messenger-context.js';
import { historyRecord, outboxEntry } from './store-records.js';

/**
 * Stores the message (outbox entry, counter and last message in one state write, history beside it) and hands it to
 * the outbox, which seals it into that same write when it can go at once: stored before sent, no key used unsaved.
 * `via` is how to deliver it should the contact be offline; by default the contact's choice, else the profile's.
 */
export async function sendText(ctx: MessengerContext, address: string, text: string, via?: OutboxEntry['via']): Promise<MessageDto> {
  const contact = requireContact(ctx.state, address);
  if (contact.blocked) throw new ApiError('blocked', `You blocked ${contact.nickname}; unblock them to send messages.`);
  if (contact.identityChanged) {
    throw new ApiError('identity-changed', `${contact.nickname}'s safety number changed. Review it before sending more messages.`);
  }
  const peer = contact.address as OnionAddress;
  const conversation = contactConversation(peer);
  return ctx.chains.run(peer, async () => {
    const current = requireContact(ctx.state, peer);
    const seq = current.outSeq + 1;
    const envelope = makeEnvelope({ kind: 'text', seq, text }, ctx.now());
    const stored = historyRecord(envelope, 'out', text, ctx.now());
    const history = await ctx.session.history(historyName(conversation));
    const preferred = current.delivery ?? ctx.state.settings.defaultDelivery;
    const entry = outboxEntry(envelope, peer, seq, ctx.now(), via ?? (preferred === 'relay' ? 'relay' : 'direct'));
    await ctx.outbox.admit(peer, entry, async (admitted) => {
      await Promise.all([
        ctx.state.transact((tx) => {
          const found = tx.contacts.update(peer, { outSeq: seq, lastMessage: { text, at: envelope.sentAt, direction: 'out' } });
          if (!found) throw new ApiError('contact-not-found', 'This contact was removed.');
          tx.outbox.put(admitted);
        }),
        history.append(stored),
      ]);
      emitContact(ctx, peer);
    });
    return messageDto(ctx, conversation, stored);
  });
}

export async function retry(ctx: MessengerContext, address: string, id: string): Promise<MessageDto> {
  const contact = requireContact(ctx.state, address);
  const peer = contact.address as OnionAddress;
  const entry = ctx.state.outbox().find((e) => e.id === id && e.to === peer);
  if (entry === undefined) throw new ApiError('message-not-found', 'This message was already delivered or removed.');
  await ctx.chains.run(peer, () => ctx.outbox.retry(peer, entry));
  const envelope = decodeEnvelope(entry.envelope);
  const text = envelope.body.kind === 'text' ? envelope.body.text : '';
  return messageDto(ctx, contactConversation(peer), historyRecord(envelope, 'out', text, envelope.sentAt));
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
  const history = await ctx.session.history(historyName(contactConversation(contact.address)));
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
  await ctx.state.transact((tx) => {
    const found = tx.contacts.update(contact.address, (record) => {
      record.inSeq = Math.max(record.inSeq, inSeq);
      for (const message of lost) record.outSeq = Math.max(record.outSeq, message.seq ?? 0);
    });
    if (!found) return;
    for (const message of lost) {
      const seq = message.seq ?? 0;
      const envelope: Envelope = { v: 1, id: message.id, sentAt: message.sentAt, body: { kind: 'text', seq, text: message.body } };
      tx.outbox.put(outboxEntry(envelope, contact.address, seq, ctx.now()));
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
