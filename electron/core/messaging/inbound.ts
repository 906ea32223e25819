// Frames from a peer: contact requests handed on, Signal messages decrypted, sequenced envelopes stored in order exactly once.
import { assertNever } from '../../shared/assert-never.js';
import { parseOnionAddress, type OnionAddress } from '../../shared/onion-address/index.js';
import type { ApplicationFrame } from '../protocol/index.js';
import { BindingError, IdentityChangedError, StalePreKeyError, UntrustedIdentityError, verifyBinding } from '../signal/index.js';
import type { Contact } from '../store/index.js';
import { emitContact } from './contact-dto.js';
import { onContactRequest, onRequestReceipt, renewRequest } from './contact-requests.js';
import { contactConversation, historyName } from './conversation-id.js';
import { decodeEnvelope, encodeEnvelope, isFileBody, isGroupBody, makeEnvelope, type Envelope, type EnvelopeBody } from './envelope.js';
import type { MessengerContext } from './messenger-context.js';
import { seal, sendEphemeral, trySend } from './peer-send.js';
import { setPresenceFromPeer, setTypingFromPeer } from './presence.js';
import { historyRecord } from './store-records.js';

export async function onFrame(ctx: MessengerContext, peer: OnionAddress, frame: ApplicationFrame): Promise<void> {
  switch (frame.type) {
    case 'contact-request':
      return onContactRequest(ctx, peer, frame);
    case 'contact-request-receipt':
      return onRequestReceipt(ctx, peer, frame.status);
    case 'signal':
      return onSignal(ctx, peer, frame.kind, frame.body);
    default:
      return assertNever(frame);
  }
}

/** A Signal message from the peer, whether it came over the link or was fetched from our relay mailbox. */
export async function onSignal(ctx: MessengerContext, peer: OnionAddress, kind: 'prekey' | 'whisper', body: Uint8Array): Promise<void> {
  const contact = ctx.state.contact(peer);
  if (contact === undefined || contact.blocked) return ctx.log(`dropped a Signal message from non-contact ${peer}`);
  let envelope: Envelope;
  try {
    envelope = decodeEnvelope(await ctx.signal.decrypt(peer, { kind, body }));
  } catch (error) {
    if (error instanceof StalePreKeyError && contact.status === 'requested') return renewRequest(ctx, peer, error);
    // Untrusted alone (say, the old session after the user accepted a new key) leaves the user nothing to review: a
    // warning then could never be cleared, and sending would stay refused for good.
    const changed =
      error instanceof IdentityChangedError || (error instanceof UntrustedIdentityError && (await ctx.signal.peerIdentity(peer))?.status === 'changed');
    if (changed) {
      ctx.log(`${peer} presented a different identity key; waiting for the user to review it`);
      await ctx.state.updateContact(peer, { identityChanged: true, verified: false });
      emitContact(ctx, peer);
      return;
    }
    return ctx.log(`could not read a message from ${peer}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { body: content } = envelope;
  switch (content.kind) {
    case 'text':
    case 'accept':
    case 'group-ops':
    case 'group-key':
    case 'group-message':
    case 'group-invite':
    case 'group-join':
    case 'group-join-waiting':
    case 'file':
    case 'file-cancel':
    case 'file-received':
      return onSequenced(ctx, peer, envelope, content);
    case 'receipt':
      return ctx.outbox.acknowledge(peer, content.upTo);
    case 'presence':
      setPresenceFromPeer(ctx, peer, content.presence);
      return;
    case 'typing':
      setTypingFromPeer(ctx, peer, content.typing);
      return;
    case 'mailbox':
      return onMailbox(ctx, peer, content.relay, content.capability);
    case 'profile':
      // Changed in place: `contact` was read before the decryption, and the user may have blocked, renamed or read since.
      await ctx.state.updateContact(peer, { theirNickname: content.nickname });
      emitContact(ctx, peer);
      return;
    default:
      return assertNever(content);
  }
}

/**
 * The contact's mailbox for us changed (or was announced again on a new link): the relay courier may take messages for
 * them now, or no longer. The relay address is checked like any typed one, so a damaged announcement changes nothing.
 */
async function onMailbox(ctx: MessengerContext, peer: OnionAddress, relay: string | null, capability: string | null): Promise<void> {
  let theirMailbox: { relay: string; capability: string } | null = null;
  if (relay !== null && capability !== null) {
    try {
      theirMailbox = { relay: parseOnionAddress(relay).address, capability };
    } catch (error) {
      return ctx.log(`ignored a mailbox from ${peer}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const before = ctx.state.contact(peer)?.theirMailbox ?? null;
  if (JSON.stringify(before) === JSON.stringify(theirMailbox)) return;
  await ctx.state.updateContact(peer, { theirMailbox });
  emitContact(ctx, peer);
  await ctx.outbox.attempt(peer);
}

/**
 * Sequenced envelopes are stored in order, exactly once, and acknowledged only after they are durable. The receipt
 * is encrypted first, so one state write carries both ratchet steps; history is the record of what was stored.
 */
async function onSequenced(ctx: MessengerContext, peer: OnionAddress, envelope: Envelope, content: Extract<EnvelopeBody, { seq: number }>): Promise<void> {
  const contact = ctx.state.contact(peer);
  if (contact === undefined) return;
  const inSeq = deliveredUpTo(ctx, peer, contact);
  if (content.seq <= inSeq) return sendEphemeral(ctx, peer, { kind: 'receipt', upTo: inSeq });
  if (content.seq > inSeq + 1) return ctx.log(`gap from ${peer}: got ${String(content.seq)} after ${String(inSeq)}; waiting for the resend`);

  if (content.kind === 'accept') {
    const identity = await ctx.signal.peerIdentity(peer);
    try {
      if (identity === undefined) throw new BindingError(peer, 'signature');
      verifyBinding(peer, identity.identityKey, content.binding);
    } catch (error) {
      return ctx.log(`acceptance from ${peer} refused: ${String(error)}`);
    }
  }
  const receipt = await seal(ctx, peer, encodeEnvelope(makeEnvelope({ kind: 'receipt', upTo: content.seq }, ctx.now())));
  if (isFileBody(content)) {
    await ctx.files.receive(peer, envelope, content, (tx) => tx.contacts.update(peer, { inSeq: content.seq }));
  } else if (isGroupBody(content)) {
    // The group part stores what it takes (or refuses it) in one write with the counter, so it is acknowledged either way.
    await ctx.groups.receive(peer, envelope, content, (tx) => tx.contacts.update(peer, { inSeq: content.seq }));
  } else if (content.kind === 'accept') {
    // Nothing goes to history, so the state write alone records that seq 1 arrived.
    await ctx.state.transact((tx) => {
      if (!tx.contacts.update(peer, { status: 'accepted', theirNickname: content.nickname, inSeq: content.seq })) return;
      tx.contactRequests.remove(peer);
    });
  } else {
    const stored = historyRecord(envelope, 'in', content.text, ctx.now());
    const conversation = contactConversation(peer);
    const history = await ctx.session.history(historyName(conversation));
    await Promise.all([
      history.append(stored),
      ctx.state.updateContact(peer, (record) => {
        record.unread += 1;
        record.inSeq = content.seq;
        record.lastMessage = { text: content.text, at: envelope.sentAt, direction: 'in' };
      }),
    ]);
    setTypingFromPeer(ctx, peer, false);
    ctx.events.emit('message.stored', { conversation, message: stored });
  }
  ctx.live.of(peer).inSeq = content.seq;
  if (receipt !== undefined) trySend(ctx, peer, { type: 'signal', kind: receipt.kind, body: receipt.body });
  if (content.kind === 'accept') await ctx.outbox.attempt(peer);
  emitContact(ctx, peer);
}

/**
 * The highest sequence number stored from this peer. State records it with every stored message, and the start-up
 * reconcile catches it up when a crash kept the history write but lost the state write.
 */
export function deliveredUpTo(ctx: MessengerContext, peer: OnionAddress, contact: Contact): number {
  const live = ctx.live.of(peer);
  live.inSeq ??= contact.inSeq;
  return live.inSeq;
}
