// What carries a sealed envelope towards its recipient (the direct link, later a relay mailbox), and what it answers.
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import type { SignalCiphertext } from '../../signal/index.js';

/** One stored message, encrypted for one attempt; its ciphertext is never reused after the attempt. */
export interface SealedEnvelope {
  readonly id: string;
  readonly peer: OnionAddress;
  readonly seq: number;
  readonly ciphertext: SignalCiphertext;
}

export type CourierOutcome =
  /** Handed to a live link; the receipt says when it is stored. */
  | { readonly kind: 'sent' }
  /** A relay holds it until `until` (ms since epoch); the receipt says when it is stored. */
  | { readonly kind: 'held'; readonly until: number }
  /** Not now (the link dropped, the relay is down or full); the outbox tries again later. */
  | { readonly kind: 'unavailable'; readonly reason: string };

export type CourierName = 'direct' | 'relay';

export interface Courier {
  readonly name: CourierName;
  /** Whether this courier can take messages for the peer right now (cheap, synchronous). */
  canCarry(peer: OnionAddress): boolean;
  /** Carries envelopes for one peer, given in sequence order; one outcome per envelope, in the same order. */
  carry(envelopes: readonly SealedEnvelope[]): Promise<CourierOutcome[]>;
}
