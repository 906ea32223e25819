// What a peer's link coming up or going down means for the conversation: greetings, waking the outbox, what is no longer known.
import type { OnionAddress } from '../../shared/onion-address/index.js';
import { emitContact } from './contact-dto.js';
import { sendRequest } from './contact-requests.js';
import type { EnvelopeBody } from './envelope.js';
import { deliveredUpTo } from './inbound.js';
import type { MessengerContext } from './messenger-context.js';
import { sendEphemeral } from './peer-send.js';

/**
 * A new link starts with nothing sent on it: a contact who has not accepted gets our request again; others get our
 * presence, nickname, our mailbox for them and a receipt for what we hold from them. Then the whole unacknowledged outbox
 * follows, including what an earlier link carried without a receipt.
 */
export async function onLinkUp(ctx: MessengerContext, peer: OnionAddress): Promise<void> {
  const contact = ctx.state.contact(peer);
  if (contact === undefined || contact.blocked) return;
  // Nothing went out on this link yet. When it replaced a duplicate (both ends dialed at once), no link-down came, and
  // what the old one carried may be lost: without this it would wait for the resend timer (20 s, then doubling).
  ctx.outbox.linkDown(peer);
  if (contact.status === 'requested') {
    sendRequest(ctx, peer);
  } else {
    const { presence } = ctx.state.settings;
    await sendEphemeral(ctx, peer, { kind: 'presence', presence });
    await sendEphemeral(ctx, peer, { kind: 'profile', nickname: ctx.state.nickname });
    await sendEphemeral(ctx, peer, mailboxAnnouncement(ctx, peer));
    await sendEphemeral(ctx, peer, { kind: 'receipt', upTo: deliveredUpTo(ctx, peer, contact) });
  }
  await ctx.outbox.attempt(peer);
  emitContact(ctx, peer);
}

/** Where the peer may leave messages for us: our mailbox for them, or none. */
export function mailboxAnnouncement(ctx: MessengerContext, peer: OnionAddress): EnvelopeBody {
  const mailbox = ctx.state.mailbox(peer);
  return { kind: 'mailbox', relay: mailbox?.relay ?? null, capability: mailbox?.capability ?? null };
}

/** What the link carried without a receipt is queued again, and the peer's presence and typing are unknown until the next link. */
export function onLinkDown(ctx: MessengerContext, peer: OnionAddress): void {
  const live = ctx.live.get(peer);
  if (live !== undefined) {
    live.presence = undefined;
    live.typingUntil = undefined;
    clearTimeout(live.typingTimer);
  }
  if (ctx.state.contact(peer) !== undefined) {
    emitContact(ctx, peer);
    ctx.outbox.linkDown(peer);
  }
}
