// Frames straight to a peer's live link: ephemeral messages (presence, typing, receipts, profile) that are never stored.
import type { OnionAddress } from '../../shared/onion-address/index.js';
import type { ApplicationFrame } from '../protocol/index.js';
import type { SignalCiphertext } from '../signal/index.js';
import { sendOnLink } from './couriers/direct-courier.js';
import { encodeEnvelope, makeEnvelope, type EnvelopeBody } from './envelope.js';
import type { MessengerContext } from './messenger-context.js';

/** Encrypts an ephemeral message when a link and session exist (it is worth nothing later); the ratchet step is staged for the caller's next write. */
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

/** Hands a frame to the peer's link; true once the link has queued it, false if there is no live link (see sendOnLink). */
export function trySend(ctx: MessengerContext, peer: OnionAddress, frame: ApplicationFrame): boolean {
  return sendOnLink(ctx.links, peer, frame);
}
