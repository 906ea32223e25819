// Presence, typing and nickname: ours sent to contacts as ephemeral messages, theirs kept live only while a link is up.
import type { PresenceDto } from '../../shared/api/index.js';
import type { OnionAddress } from '../../shared/onion-address/index.js';
import { emitContact } from './contact-dto.js';
import { requireContact } from './contact-lookup.js';
import type { EnvelopeBody } from './envelope.js';
import type { MessengerContext } from './messenger-context.js';
import { sendEphemeral } from './peer-send.js';

/** How long a "typing" signal lasts unless renewed. */
const TYPING_TTL_MS = 6_000;

export function setTyping(ctx: MessengerContext, address: string, typing: boolean): void {
  const contact = requireContact(ctx.state, address);
  sendInBackground(ctx, contact.address as OnionAddress, { kind: 'typing', typing });
}

/**
 * Sends an ephemeral message nobody waits for. Its ratchet step is saved first, and that save can fail (a full disk,
 * which a contact's auto-accepted files can bring about): the failure is logged, the message is simply not sent.
 */
function sendInBackground(ctx: MessengerContext, peer: OnionAddress, body: EnvelopeBody): void {
  sendEphemeral(ctx, peer, body).catch((error: unknown) => ctx.log(`could not send ${body.kind} to ${peer}: ${error instanceof Error ? error.message : String(error)}`));
}

export async function setPresence(ctx: MessengerContext, presence: PresenceDto): Promise<PresenceDto> {
  await ctx.state.updateSettings({ presence: { status: presence.status, text: presence.text } });
  for (const contact of ctx.state.contacts()) sendInBackground(ctx, contact.address as OnionAddress, { kind: 'presence', presence });
  return presence;
}

export async function announceNickname(ctx: MessengerContext): Promise<void> {
  for (const contact of ctx.state.contacts()) await sendEphemeral(ctx, contact.address as OnionAddress, { kind: 'profile', nickname: ctx.state.nickname });
}

export function setTypingFromPeer(ctx: MessengerContext, peer: OnionAddress, typing: boolean): void {
  const live = ctx.live.of(peer);
  clearTimeout(live.typingTimer);
  live.typingUntil = typing ? ctx.now() + TYPING_TTL_MS : undefined;
  if (typing) {
    live.typingTimer = setTimeout(() => setTypingFromPeer(ctx, peer, false), TYPING_TTL_MS);
    live.typingTimer.unref();
  }
  if (ctx.state.contact(peer) !== undefined) emitContact(ctx, peer);
}

export function setPresenceFromPeer(ctx: MessengerContext, peer: OnionAddress, presence: PresenceDto): void {
  ctx.live.of(peer).presence = presence;
  emitContact(ctx, peer);
}
