// The relay courier: leaves sealed envelopes at the contact's relay mailbox, in order, and says until when the relay holds them.
import type { OnionAddress } from '../../shared/onion-address/index.js';
import type { Courier, CourierOutcome, SealedEnvelope } from '../messaging/couriers/courier.js';
import { RelayUnreachableError } from '../relay-client/index.js';
import type { ProfileState } from '../store/index.js';
import type { RelayClients } from './relay-clients.js';
import { encodeRelayed } from './relay-envelope.js';

/** After a relay could not be reached it is left alone this long, doubling with each failure in a row up to the cap. */
const UNREACHABLE_FIRST_MS = 5_000;
const UNREACHABLE_CAP_MS = 5 * 60_000;

export interface RelayCourierOptions {
  readonly now?: () => number;
  /** The relay may be reachable again (its pause ran out): the outbox should try the contacts who use it. */
  readonly recovered?: (relay: OnionAddress) => void;
}

/** A relay that could not be reached: not asked again before `until`. */
interface Pause {
  readonly failures: number;
  readonly until: number;
  readonly timer: NodeJS.Timeout;
}

export class RelayCourier implements Courier {
  readonly name = 'relay';
  readonly #now: () => number;
  readonly #recovered: (relay: OnionAddress) => void;
  readonly #paused = new Map<string, Pause>();

  constructor(
    private readonly state: ProfileState,
    private readonly clients: RelayClients,
    private readonly log: (line: string) => void,
    options: RelayCourierOptions = {},
  ) {
    this.#now = options.now ?? Date.now;
    this.#recovered = options.recovered ?? (() => undefined);
  }

  /**
   * The contact gave us a mailbox, tor can reach relays, and their relay was not just found unreachable: a deposit to a
   * relay that is down waits for the SOCKS connect timeout (30 s), so after one such failure the relay is skipped for a
   * while (5 s, doubling to 5 min) and the messages wait for the link or for the pause to run out.
   */
  canCarry(peer: OnionAddress): boolean {
    const mailbox = this.state.contact(peer)?.theirMailbox;
    return mailbox != null && !this.paused(mailbox.relay) && this.clients.get(mailbox.relay as OnionAddress) !== undefined;
  }

  /** Whether the relay is skipped for now, after it could not be reached. */
  paused(relay: string): boolean {
    return (this.#paused.get(relay)?.until ?? 0) > this.#now();
  }

  stop(): void {
    for (const pause of this.#paused.values()) clearTimeout(pause.timer);
    this.#paused.clear();
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
        this.#reached(mailbox.relay);
        outcomes.push({ kind: 'held', until: receipt.expiresAt });
      } catch (error) {
        refused = error instanceof Error ? error.message : String(error);
        if (error instanceof RelayUnreachableError) this.#unreachable(mailbox.relay as OnionAddress);
        this.log(`relay deposit for ${envelope.peer} refused: ${refused}`);
        outcomes.push({ kind: 'unavailable', reason: refused });
      }
    }
    return outcomes;
  }

  #reached(relay: string): void {
    clearTimeout(this.#paused.get(relay)?.timer);
    this.#paused.delete(relay);
  }

  #unreachable(relay: OnionAddress): void {
    const previous = this.#paused.get(relay);
    clearTimeout(previous?.timer);
    const failures = (previous?.failures ?? 0) + 1;
    const pauseMs = Math.min(UNREACHABLE_CAP_MS, UNREACHABLE_FIRST_MS * 2 ** Math.min(failures - 1, 20));
    const timer = setTimeout(() => this.#recovered(relay), pauseMs);
    timer.unref();
    this.#paused.set(relay, { failures, until: this.#now() + pauseMs, timer });
    this.log(`relay ${relay} could not be reached; not trying it again for ${Math.round(pauseMs / 1000)} s`);
  }
}
