// The direct courier: hands sealed envelopes to the peer's live onion link, in order, stopping where the link gives out.
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import { LinkClosedError, NoLinkError, SendBufferFullError, type LinkManager } from '../../link/index.js';
import type { ApplicationFrame } from '../../protocol/index.js';
import type { Courier, CourierOutcome, SealedEnvelope } from './courier.js';

export type LinkSender = Pick<LinkManager, 'isUp' | 'send'>;

/**
 * Hands a frame to the peer's link; true once the link has queued it. A link can drop between any two awaits; what was
 * not sent stays in the outbox and goes out on the next link, so a missing or full link is an answer (false), not an
 * error. The link's own false (queued, but past its high-water mark) still means sent: its queue is bounded, and a
 * full one throws SendBufferFullError.
 */
export function sendOnLink(links: LinkSender, peer: OnionAddress, frame: ApplicationFrame): boolean {
  try {
    links.send(peer, frame);
    return true;
  } catch (error) {
    if (error instanceof NoLinkError || error instanceof LinkClosedError || error instanceof SendBufferFullError) return false;
    throw error;
  }
}

export class DirectCourier implements Courier {
  readonly name = 'direct';

  constructor(private readonly links: LinkSender) {}

  canCarry(peer: OnionAddress): boolean {
    return this.links.isUp(peer);
  }

  /** Once one envelope cannot go, the later ones are not tried: the receiver takes them only in order. */
  carry(envelopes: readonly SealedEnvelope[]): Promise<CourierOutcome[]> {
    let linkGone = false;
    const outcomes = envelopes.map((envelope): CourierOutcome => {
      linkGone ||= !sendOnLink(this.links, envelope.peer, { type: 'signal', kind: envelope.ciphertext.kind, body: envelope.ciphertext.body });
      return linkGone ? { kind: 'unavailable', reason: 'the link to the contact closed' } : { kind: 'sent' };
    });
    return Promise.resolve(outcomes);
  }
}
