// The outbox: stored messages sealed in sequence order and handed to a courier (direct link or relay), retried on one schedule.
import type { EventEmitter } from 'node:events';
import { ApiError } from '../../../shared/api/index.js';
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import type { LinkManager } from '../../link/index.js';
import { IdentityChangedError, UntrustedIdentityError, type SignalSessions } from '../../signal/index.js';
import type { OutboxEntry, ProfileState } from '../../store/index.js';
import { contactConversation } from '../conversation-id.js';
import type { Courier, CourierName, CourierOutcome, SealedEnvelope } from '../couriers/courier.js';
import { decodeEnvelope } from '../envelope.js';
import type { DeliveryProgress, MessagingEventArgs } from '../messaging-events.js';
import type { PeerChains } from '../peer-chains.js';
import { resendDelay, retryDelay } from './attempt-schedule.js';

export interface OutboxOptions {
  readonly state: ProfileState;
  readonly signal: SignalSessions;
  readonly links: Pick<LinkManager, 'want'>;
  readonly chains: PeerChains;
  readonly events: Pick<EventEmitter<MessagingEventArgs>, 'emit'>;
  readonly now: () => number;
  readonly log: (line: string) => void;
  readonly stopped: () => boolean;
  /** In [0, 1); moves retry times a little so that many messages do not all wake at once. */
  readonly random?: () => number;
}

/** Which courier carries a message now: until its receipt, or until a relay's hold runs out. */
interface Carried {
  readonly by: CourierName;
  readonly until?: number;
}

/**
 * Most bytes of a stored envelope: sealed (Signal adds up to ~1.8 KiB to a first, prekey, message) it must fit a
 * frame's 65,000-byte body, or the link refuses it on every attempt and it holds back everything queued after it.
 */
export const MAX_ENVELOPE_BYTES = 60_000;

/** A timer can wait at most about 24 days; a longer wait is taken in steps. */
const LONGEST_TIMER_MS = 60 * 60_000;

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Owns when stored messages are tried. The caller stores an entry first (see {@link admit}); the outbox then seals the
 * peer's entries in sequence order, writes the ratchet steps and the attempt before any ciphertext leaves, and hands
 * them to one courier: the direct link when it is up, otherwise a relay for messages the sender chose to leave at one.
 * A message that has to wait holds back the ones after it, so the receiver never sees a gap. One timer serves the
 * whole outbox (the earliest `nextAttemptAt`); link-up, a receipt, a new message and retry wake it early.
 *
 * Every method that attempts runs in the peer's chain; {@link wake} queues an attempt there from outside.
 */
export class Outbox {
  readonly #options: OutboxOptions;
  readonly #random: () => number;
  readonly #couriers = new Map<CourierName, Courier>();
  readonly #carried = new Map<string, Carried>();
  /** Peers whose last attempt stopped short (no courier, no session): only a wake tries them again, not the timer. */
  readonly #waiting = new Set<string>();
  /**
   * Peers with a carry under way outside their chain (a relay deposit over tor can take tens of seconds): that courier is
   * not handed more for them until it answers, and the answer brings the next attempt.
   */
  readonly #carrying = new Map<string, CourierName>();
  /** Entries a courier other than the direct link refused: it is not asked again before their `nextAttemptAt`. */
  readonly #refused = new Map<string, CourierName>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  /** Registers a way to deliver; the direct link first, a relay beside it. A courier of the same name is replaced. */
  addCourier(courier: Courier): void {
    this.#couriers.set(courier.name, courier);
  }

  /** Takes up what a relay still holds from before a restart, and sets the timer. */
  start(): void {
    const now = this.#options.now();
    for (const entry of this.#options.state.outbox()) {
      const until = entry.heldUntil === undefined ? undefined : Date.parse(entry.heldUntil);
      if (until !== undefined && until > now && entry.failed === null) this.#carried.set(entry.id, { by: 'relay', until });
    }
    this.#schedule();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Where a stored message of ours is: the state a DTO shows. */
  progress(entry: OutboxEntry): DeliveryProgress {
    if (entry.failed !== null) return { state: 'failed', reason: entry.failed };
    const carried = this.#carried.get(entry.id);
    if (carried === undefined) return { state: 'queued' };
    return carried.until === undefined ? { state: 'sent' } : { state: 'held', until: carried.until };
  }

  /**
   * Stores a new entry through `store` (which writes it with the caller's other changes) and tries it. When it can go
   * at once (a courier takes it and nothing before it waits), it is sealed first, so its ratchet step and the attempt
   * ride in that same state write: stored before sent, one write, no key used unsaved. An envelope no link could carry
   * is refused (`too-long`) before anything is stored.
   */
  async admit(peer: OnionAddress, entry: OutboxEntry, store: (entry: OutboxEntry) => Promise<void>): Promise<void> {
    if (entry.envelope.length > MAX_ENVELOPE_BYTES) {
      throw new ApiError('too-long', `it is ${String(entry.envelope.length)} bytes and a link carries at most ${String(MAX_ENVELOPE_BYTES)}, so it was not sent`);
    }
    const chosen = await this.#courierFor(peer, entry);
    const free = chosen !== undefined && this.#carrying.get(peer) !== chosen.name;
    const courier = free && this.#pending(peer).every((e) => this.#carried.get(e.id)?.by === chosen.name) ? chosen : undefined;
    const sealed = courier === undefined ? undefined : await this.#sealQuietly(peer, entry);
    if (courier === undefined || sealed === undefined) {
      await store(entry);
      await this.attempt(peer);
      return;
    }
    const attempts = entry.attempts + 1;
    await store({ ...entry, attempts, nextAttemptAt: iso(this.#options.now() + resendDelay(attempts, this.#random)) });
    await this.#deliver(peer, courier, [{ ...entry, attempts }], [sealed]);
    this.#schedule();
  }

  /** Queues an attempt for the peer behind its other work (from outside the peer's chain). */
  wake(peer: OnionAddress): Promise<void> {
    return this.#options.chains.run(peer, () => this.attempt(peer));
  }

  /**
   * Seals and hands on what is due for the peer: what the chosen courier has not carried yet, and what was carried but
   * is past its `nextAttemptAt` (no receipt came, or a relay's hold ran out). Call from inside the peer's chain.
   */
  async attempt(peer: OnionAddress): Promise<void> {
    this.#waiting.add(peer);
    try {
      await this.#attempt(peer);
    } finally {
      this.#schedule();
    }
  }

  async #attempt(peer: OnionAddress): Promise<void> {
    const { state, signal, links, now } = this.#options;
    if (this.#options.stopped()) return;
    const pending = this.#pending(peer);
    if (pending.length === 0) return this.#ready(peer);
    const contact = state.contact(peer);
    if (contact === undefined || contact.blocked || contact.status !== 'accepted' || !(await signal.hasSession(peer))) return;
    const direct = this.#couriers.get('direct');
    const courier = direct?.canCarry(peer) === true ? direct : this.#couriers.get('relay');
    if (courier !== direct) links.want(peer);
    // Its answer to the carry under way brings the next attempt; until then the peer stays out of the timer's round.
    if (courier !== undefined && this.#carrying.get(peer) === courier.name) return;
    const at = now();
    const batch: OutboxEntry[] = [];
    let heldBack = courier === undefined;
    for (const entry of pending) {
      // Only the direct link carries what the sender chose to keep until the contact is online; it holds back the rest.
      if (courier === undefined || (courier !== direct && (entry.via !== 'relay' || !courier.canCarry(peer)))) {
        heldBack = true;
        break;
      }
      const carried = this.#carried.get(entry.id);
      const due = entry.nextAttemptAt === null || Date.parse(entry.nextAttemptAt) <= at;
      // Refused by this relay a moment ago: it and everything after it wait for its retry time (the timer brings it).
      if (courier !== direct && this.#refused.get(entry.id) === courier.name && !due) break;
      if (carried?.by !== courier.name || due) batch.push(entry);
    }
    if (!heldBack) this.#ready(peer);
    if (courier === undefined || batch.length === 0) return;

    const sealed: SealedEnvelope[] = [];
    let failedEntry: OutboxEntry | undefined;
    for (const entry of batch) {
      try {
        sealed.push(await this.#seal(peer, entry));
      } catch (error) {
        if (!(error instanceof IdentityChangedError || error instanceof UntrustedIdentityError)) throw error;
        failedEntry = entry;
        break;
      }
    }
    const attempted = batch.slice(0, sealed.length).map((entry) => ({ ...entry, attempts: entry.attempts + 1 }));
    // One write: the ratchet steps of every ciphertext (staged by encrypt), each attempt, and a failure if there was one.
    await state.transact((tx) => {
      for (const entry of attempted) tx.outbox.update(entry.id, { attempts: entry.attempts, nextAttemptAt: iso(at + resendDelay(entry.attempts, this.#random)) });
      if (failedEntry !== undefined) tx.outbox.update(failedEntry.id, { failed: 'identity-changed' });
    });
    if (failedEntry !== undefined) {
      this.#carried.delete(failedEntry.id);
      this.#progressed(peer, failedEntry, { state: 'failed', reason: 'identity-changed' });
    }
    await this.#deliver(peer, courier, attempted, sealed);
  }

  /** The peer's link went down: what it carried is queued again (or held, if a relay still has it). */
  linkDown(peer: OnionAddress): void {
    const now = this.#options.now();
    for (const entry of this.#pending(peer)) {
      const carried = this.#carried.get(entry.id);
      if (carried?.by === 'relay') continue;
      const heldUntil = entry.heldUntil === undefined ? 0 : Date.parse(entry.heldUntil);
      if (heldUntil > now) {
        this.#carried.set(entry.id, { by: 'relay', until: heldUntil });
        this.#progressed(peer, entry, { state: 'held', until: heldUntil });
      } else {
        this.#carried.delete(entry.id);
        this.#progressed(peer, entry, { state: 'queued' });
      }
    }
  }

  /**
   * A receipt means the contact stored everything up to `upTo`, so those messages are delivered now; removing them
   * from the outbox follows. If that write is lost in a crash they are only sent again, and the contact drops them.
   * Then what is still due goes. Call from inside the peer's chain.
   */
  async acknowledge(peer: OnionAddress, upTo: number): Promise<void> {
    const acknowledged = this.#options.state.outbox().filter((e) => e.to === peer && e.seq <= upTo);
    if (acknowledged.length > 0) {
      for (const entry of acknowledged) {
        this.#carried.delete(entry.id);
        this.#refused.delete(entry.id);
      }
      await this.#options.state.transact((tx) => {
        for (const entry of acknowledged) tx.outbox.remove(entry.id);
      });
      // After the write, so a group message's count of members who have it already leaves these out.
      for (const entry of acknowledged) this.#progressed(peer, entry, { state: 'delivered' });
    }
    await this.attempt(peer);
  }

  /** The user asked to try a failed message again: it is queued and tried now. Call from inside the peer's chain. */
  async retry(peer: OnionAddress, entry: OutboxEntry): Promise<void> {
    await this.#options.state.transact((tx) => tx.outbox.update(entry.id, { failed: null, nextAttemptAt: null }));
    this.#carried.delete(entry.id);
    this.#refused.delete(entry.id);
    this.#progressed(peer, entry, { state: 'queued' });
    await this.attempt(peer);
  }

  /** Drops what is known of a removed contact's messages (their entries are removed with the contact). */
  forget(peer: OnionAddress, ids: readonly string[]): void {
    for (const id of ids) {
      this.#carried.delete(id);
      this.#refused.delete(id);
    }
    this.#waiting.delete(peer);
  }

  /**
   * Hands sealed envelopes to the courier. The direct link only queues frames and answers at once, so its answer is
   * recorded here, in the peer's chain. Any other courier answers after a network round (or a timeout) and runs outside
   * the chain: the send that stored the message does not wait for it, nor does anything else for the peer. Its answer
   * is recorded in the chain when it comes, and then what is due (messages stored meanwhile) is attempted.
   */
  async #deliver(peer: OnionAddress, courier: Courier, entries: readonly OutboxEntry[], sealed: readonly SealedEnvelope[]): Promise<void> {
    if (sealed.length === 0) return;
    if (courier.name === 'direct') return this.#record(courier, entries, await courier.carry(sealed));
    this.#carrying.set(peer, courier.name);
    const answered = courier.carry(sealed).catch((error: unknown): CourierOutcome[] => {
      const reason = error instanceof Error ? error.message : String(error);
      return sealed.map(() => ({ kind: 'unavailable', reason }));
    });
    void answered
      .then((outcomes) =>
        this.#options.chains.run(peer, async () => {
          if (this.#carrying.get(peer) === courier.name) this.#carrying.delete(peer);
          if (this.#options.stopped()) return;
          await this.#record(courier, entries, outcomes);
          await this.attempt(peer);
        }),
      )
      .catch((error: unknown) => this.#options.log(`recording the ${courier.name} courier's answer for ${peer} failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Records what the courier answered for each entry: its state shown, and when it is tried again. */
  async #record(courier: Courier, carried: readonly OutboxEntry[], outcomes: readonly CourierOutcome[]): Promise<void> {
    const later: { entry: OutboxEntry; outcome: Exclude<CourierOutcome, { kind: 'sent' }> }[] = [];
    const stillStored = new Set(this.#options.state.outbox().map((e) => e.id));
    carried.forEach((entry, index) => {
      // Acknowledged (or removed with the contact) while the courier was at it: nothing left to record.
      if (!stillStored.has(entry.id)) return;
      const outcome: CourierOutcome = outcomes[index] ?? { kind: 'unavailable', reason: `the ${courier.name} courier gave no answer` };
      const before = this.progress(entry).state;
      // The direct link took it while a relay was still at it: the link's state stands, the relay's hold is only noted.
      const overtaken = this.#carried.get(entry.id)?.by === 'direct' && courier.name !== 'direct';
      if (outcome.kind !== 'unavailable') this.#refused.delete(entry.id);
      switch (outcome.kind) {
        case 'sent':
          this.#carried.set(entry.id, { by: courier.name });
          if (before !== 'sent') this.#progressed(entry.to as OnionAddress, entry, { state: 'sent' });
          return;
        case 'held':
          later.push({ entry, outcome });
          if (overtaken) return;
          this.#carried.set(entry.id, { by: courier.name, until: outcome.until });
          this.#progressed(entry.to as OnionAddress, entry, { state: 'held', until: outcome.until });
          return;
        case 'unavailable':
          if (overtaken) return;
          if (courier.name !== 'direct') this.#refused.set(entry.id, courier.name);
          this.#carried.delete(entry.id);
          // A relay's refusal is worth telling the sender; a link that just closed is not news.
          if (courier.name === 'relay') this.#progressed(entry.to as OnionAddress, entry, { state: 'queued', reason: `The relay did not take it: ${outcome.reason}` });
          else if (before !== 'queued') this.#progressed(entry.to as OnionAddress, entry, { state: 'queued' });
          this.#options.log(`could not hand message ${entry.id} to the ${courier.name} courier: ${outcome.reason}`);
          later.push({ entry, outcome });
          return;
      }
    });
    if (later.length === 0) return;
    const now = this.#options.now();
    // A hold is tried again when it runs out (the receipt ends it first); a refusal after a backoff.
    await this.#options.state.transact((tx) => {
      for (const { entry, outcome } of later) {
        if (outcome.kind === 'held' && this.#carried.get(entry.id)?.by === 'direct') tx.outbox.update(entry.id, { heldUntil: iso(outcome.until) });
        else if (outcome.kind === 'held') tx.outbox.update(entry.id, { heldUntil: iso(outcome.until), nextAttemptAt: iso(outcome.until) });
        else tx.outbox.update(entry.id, { nextAttemptAt: iso(now + retryDelay(entry.attempts, this.#random)) });
      }
    });
  }

  /** The courier that would take this entry now, if nothing is ahead of it; undefined if it has to wait. */
  async #courierFor(peer: OnionAddress, entry: OutboxEntry): Promise<Courier | undefined> {
    const contact = this.#options.state.contact(peer);
    if (this.#options.stopped() || contact === undefined || contact.blocked || contact.status !== 'accepted' || !(await this.#options.signal.hasSession(peer))) return undefined;
    const direct = this.#couriers.get('direct');
    if (direct?.canCarry(peer) === true) return direct;
    const relay = this.#couriers.get('relay');
    return entry.via === 'relay' && relay?.canCarry(peer) === true ? relay : undefined;
  }

  /** Encrypts one entry; its ratchet step is staged for the caller's next state write. */
  async #seal(peer: OnionAddress, entry: OutboxEntry): Promise<SealedEnvelope> {
    return { id: entry.id, peer, seq: entry.seq, ciphertext: await this.#options.signal.encrypt(peer, entry.envelope) };
  }

  /** Seals for the fast path of {@link admit}; any trouble sends the entry the ordinary way, which records a failure. */
  async #sealQuietly(peer: OnionAddress, entry: OutboxEntry): Promise<SealedEnvelope | undefined> {
    try {
      return await this.#seal(peer, entry);
    } catch (error) {
      this.#options.log(`could not encrypt for ${peer}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  /** The peer's entries still being tried, in sequence order. */
  #pending(peer: string): OutboxEntry[] {
    return this.#options.state
      .outbox()
      .filter((e) => e.to === peer && e.failed === null)
      .sort((a, b) => a.seq - b.seq);
  }

  #ready(peer: string): void {
    this.#waiting.delete(peer);
  }

  #progressed(peer: OnionAddress, entry: OutboxEntry, progress: DeliveryProgress): void {
    if (entry.group !== undefined) {
      this.#options.events.emit('group.copy.progressed', { group: entry.group.id, message: entry.group.message });
      return;
    }
    // The acceptance and group envelopes are sequenced like messages but shown nowhere: text and file offers report their way.
    const { kind } = decodeEnvelope(entry.envelope).body;
    if (kind !== 'text' && kind !== 'file') return;
    this.#options.events.emit('message.progressed', { conversation: contactConversation(peer), id: entry.id, progress });
  }

  /** Sets the one timer to the earliest attempt due, skipping peers that wait for a wake rather than a time. */
  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#options.stopped()) return;
    let earliest = Infinity;
    for (const entry of this.#options.state.outbox()) {
      if (entry.failed !== null || entry.nextAttemptAt === null || this.#waiting.has(entry.to)) continue;
      earliest = Math.min(earliest, Date.parse(entry.nextAttemptAt));
    }
    if (earliest === Infinity) return;
    const delay = Math.min(Math.max(earliest - this.#options.now(), 0), LONGEST_TIMER_MS);
    this.#timer = setTimeout(() => {
      this.#fire().catch((error: unknown) => this.#options.log(`the outbox's timer failed: ${error instanceof Error ? error.message : String(error)}`));
    }, delay);
    this.#timer.unref();
  }

  /** Attempts every peer with something due, each in its own chain, then sets the timer again. */
  async #fire(): Promise<void> {
    this.#timer = undefined;
    const now = this.#options.now();
    const due = new Set<OnionAddress>();
    for (const entry of this.#options.state.outbox()) {
      if (entry.failed === null && entry.nextAttemptAt !== null && Date.parse(entry.nextAttemptAt) <= now && !this.#waiting.has(entry.to)) {
        due.add(entry.to as OnionAddress);
      }
    }
    await Promise.allSettled([...due].map((peer) => this.wake(peer)));
    this.#schedule();
  }
}
