// Hands frames to a peer's link: Signal-sealed when a link and a session exist, and ephemeral messages that are never stored.
import type { OnionAddress } from '../../shared/onion-address/index.js';
import { LinkClosedError, NoLinkError, SendBufferFullError } from '../link/index.js';
import type { ApplicationFrame } from '../protocol/index.js';
import type { SignalCiphertext } from '../signal/index.js';
import { encodeEnvelope, makeEnvelope, type EnvelopeBody } from './envelope.js';
import type { MessengerContext } from './messenger-context.js';

/** Encrypts for the peer when a link and session exist; the ratchet step is staged for the caller's next write. */
export async function seal(ctx: MessengerContext, peer: OnionAddress, plaintext: Uint8Array): Promise<SignalCiphertext | undefined> {
  const { links, signal } = ctx;
  if (!links.isUp(peer) || ctx.state.contact(peer)?.status !== 'accepted' || !(await signal.hasSession(peer))) return undefined;
  try {
    return await signal.encrypt(peer, plaintext);
  } catch (error) {
    ctx.log(`could not encrypt for ${peer}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** Presence, typing, receipts and profile: sent only if the link and session are there, never stored. */
export async function sendEphemeral(ctx: MessengerContext, peer: OnionAddress, body: EnvelopeBody): Promise<void> {
  const sealed = await seal(ctx, peer, encodeEnvelope(makeEnvelope(body, ctx.now())));
  if (sealed === undefined) return;
  await ctx.state.persist();
  trySend(ctx, peer, { type: 'signal', kind: sealed.kind, body: sealed.body });
}

/**
 * Hands a frame to the peer's link; true once the link has queued it. A link can drop between any two awaits; what was
 * not sent stays in the outbox and goes out on the next link, so a missing or full link is an answer (false), not an
 * error. The link's own false (queued, but past its high-water mark) still means sent: its queue is bounded, and a
 * full one throws SendBufferFullError.
 */
export function trySend(ctx: MessengerContext, peer: OnionAddress, frame: ApplicationFrame): boolean {
  try {
    ctx.links.send(peer, frame);
    return true;
  } catch (error) {
    if (error instanceof NoLinkError || error instanceof LinkClosedError || error instanceof SendBufferFullError) return false;
    throw error;
  }
}
