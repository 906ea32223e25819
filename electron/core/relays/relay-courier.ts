// The relay courier: leaves sealed envelopes at the contact's relay mailbox, in order, and says until when the relay holds them.
import type { OnionAddress } from '../../shared/onion-address/index.js';
import type { Courier, CourierOutcome, SealedEnvelope } from '../messaging/couriers/courier.js';
import type { ProfileState } from '../store/index.js';
import type { RelayClients } from './relay-clients.js';
import { encodeRelayed } from './relay-envelope.js';

export class RelayCourier implements Courier {
  readonly name = 'relay';

  constructor(
    private readonly state: ProfileState,
    private readonly clients: RelayClients,
    private readonly log: (line: string) => void,
  ) {}

  /** The contact gave us a mailbox, and tor can reach relays. */
  canCarry(peer: OnionAddress): boolean {
    const mailbox = this.state.contact(peer)?.theirMailbox;
    return mailbox != null && this.clients.get(mailbox.relay as OnionAddress) !== undefined;
  }

  /**
   * Deposits one at a time, in order, each under its message id, so a repeat after a lost answer is stored once. After the
   * first refusal the rest are not tried: the contact takes them only in order.
   */
  async carry(envelopes: readonly SealedEnvelope[]): Promise<CourierOutcome[]> {
    const outcomes: CourierOutcome[] = [];
    let refused: string | undefined;
    for (const envelope of envelopes) {
      if (refused !== undefined) {
        outcomes.push({ kind: 'unavailable', reason: refused });
        continue;
      }
      const mailbox = this.state.contact(envelope.peer)?.theirMailbox;
      const client = mailbox == null ? undefined : this.clients.get(mailbox.relay as OnionAddress);
      if (mailbox == null || client === undefined) {
        refused = 'the contact has no relay mailbox for us, or tor is not ready';
        outcomes.push({ kind: 'unavailable', reason: refused });
        continue;
      }
      try {
        const receipt = await client.deposit(mailbox.capability, envelope.id, encodeRelayed(envelope.ciphertext));
        outcomes.push({ kind: 'held', until: receipt.expiresAt });
      } catch (error) {
        refused = error instanceof Error ? error.message : String(error);
        this.log(`relay deposit for ${envelope.peer} refused: ${refused}`);
        outcomes.push({ kind: 'unavailable', reason: refused });
      }
    }
    return outcomes;
  }
}
