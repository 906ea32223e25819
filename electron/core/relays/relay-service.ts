// My relays and my mailboxes on them: add and remove relays, check they answer, open a mailbox per contact, fetch them.
import { ApiError, type RelayDto } from '../../shared/api/index.js';
import { OnionAddressError, type OnionAddress } from '../../shared/onion-address/index.js';
import type { Messenger } from '../messaging/messenger.js';
import { RelayError, type RelayClient, generateQueueKey, parseRelayAddress, queueKeyFromSeed, relayInvitation } from '../relay-client/index.js';
import type { Mailbox, ProfileState } from '../store/index.js';
import { MailboxFetcher } from './mailbox-fetcher.js';
import { RelayClients, type RelayTargetFor } from './relay-clients.js';
import { RelayCourier } from './relay-courier.js';

/** Mailboxes still to open (or close) are tried again this often, and relays are checked at every tenth round. */
const MAINTAIN_EVERY_MS = 60_000;
const PROBE_EVERY_ROUNDS = 10;

export interface RelayServiceOptions {
  readonly state: ProfileState;
  readonly messenger: Pick<Messenger, 'receiveRelayed' | 'announceMailbox' | 'contactChanged' | 'on' | 'outbox'>;
  /** How to reach a relay now: through tor's SOCKS, or (tests) a loopback URL; undefined while tor is not ready. */
  readonly targetFor: RelayTargetFor;
  /** Called with the whole list after every change. */
  readonly onRelays: (relays: RelayDto[]) => void;
  readonly now?: () => number;
  readonly log: (line: string) => void;
}

interface Reachability {
  readonly state: RelayDto['reachability'];
  readonly checkedAt?: number;
  readonly problem?: string;
}

export class RelayService {
  readonly courier: RelayCourier;
  readonly #options: RelayServiceOptions;
  readonly #clients: RelayClients;
  readonly #now: () => number;
  readonly #reachability = new Map<string, Reachability>();
  readonly #fetchers = new Map<string, MailboxFetcher>();
  #maintaining: Promise<void> = Promise.resolve();
  #maintainQueued = false;
  #rounds = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: RelayServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#clients = new RelayClients(options.targetFor);
    this.courier = new RelayCourier(options.state, this.#clients, options.log, {
      now: this.#now,
      recovered: (relay) => void this.#background('trying a relay again', () => this.#wakeUsersOf(relay)),
    });
  }

  /** The client for one relay; undefined while tor is not ready. */
  client(relay: OnionAddress): RelayClient | undefined {
    return this.#clients.get(relay);
  }

  /** Registers the courier and follows contacts; mailboxes open and fetching starts once relays can be reached. */
  start(): void {
    this.#options.messenger.outbox.addCourier(this.courier);
    this.#options.messenger.on('contact.changed', () => void this.maintain());
    this.#options.messenger.on('contact.removed', () => void this.maintain());
    this.#timer = setInterval(() => {
      this.#rounds += 1;
      if (this.#rounds % PROBE_EVERY_ROUNDS === 0) void this.#background('checking relays', () => this.#probeAll());
      void this.maintain();
    }, MAINTAIN_EVERY_MS);
    this.#timer.unref();
  }

  /**
   * Tor is up: check the relays, open what is missing, and let the outbox try relays for contacts who have one. Never
   * rejects (its callers do not wait for it, and the profile may be locked meanwhile): trouble is logged.
   */
  reachable(): Promise<void> {
    return this.#background('starting relay mailboxes', async () => {
      await this.#probeAll();
      await this.maintain();
      if (this.#stopped) return;
      const wakes = this.#options.state.contacts().filter((c) => c.theirMailbox !== null).map((c) => this.#options.messenger.outbox.wake(c.address as OnionAddress));
      await Promise.allSettled(wakes);
    });
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.courier.stop();
    for (const fetcher of this.#fetchers.values()) fetcher.stop();
    this.#fetchers.clear();
    this.#clients.close();
  }

  /** Lets the outbox try the contacts whose mailbox for us is on this relay. */
  async #wakeUsersOf(relay: OnionAddress): Promise<void> {
    if (this.#stopped) return;
    const users = this.#options.state.contacts().filter((c) => c.theirMailbox?.relay === relay);
    await Promise.allSettled(users.map((c) => this.#options.messenger.outbox.wake(c.address as OnionAddress)));
  }

  list(): RelayDto[] {
    const mailboxes = this.#options.state.mailboxes();
    return this.#options.state.relays().map((relay) => {
      const reach = this.#reachability.get(relay.address) ?? { state: 'checking' };
      return {
        address: relay.address,
        invitation: relayInvitation(relay.address as OnionAddress),
        addedAt: relay.addedAt,
        reachability: reach.state,
        ...(reach.checkedAt === undefined ? {} : { checkedAt: new Date(reach.checkedAt).toISOString() }),
        ...(reach.problem === undefined ? {} : { problem: reach.problem }),
        mailboxes: mailboxes.filter((m) => m.relay === relay.address).length,
      };
    });
  }

  /** Adds a relay by address or invitation once it answered; my contacts get mailboxes on it if they had none. */
  async add(text: string): Promise<RelayDto> {
    let address: OnionAddress;
    try {
      address = parseRelayAddress(text);
    } catch (error) {
      if (error instanceof OnionAddressError) throw new ApiError('invalid-relay', error.message);
      throw error;
    }
    if (this.#options.state.relays().every((r) => r.address !== address)) {
      const client = this.#clients.get(address);
      if (client === undefined) throw new ApiError('tor-unavailable', 'Tor is not connected yet, so the relay cannot be checked. Try again in a moment.');
      try {
        await client.probe();
      } catch (error) {
        if (error instanceof RelayError) throw new ApiError('relay-unreachable', error.message);
        throw error;
      }
      this.#reachability.set(address, { state: 'reachable', checkedAt: this.#now() });
      await this.#options.state.transact((tx) => tx.relays.put({ address, addedAt: new Date(this.#now()).toISOString() }));
      this.#changed();
      void this.maintain();
    }
    const dto = this.list().find((r) => r.address === address);
    if (dto === undefined) throw new ApiError('relay-not-found', 'The relay was removed meanwhile.');
    return dto;
  }

  /** Removes a relay: its mailboxes are closed there and opened on another of my relays, if any; contacts are told. */
  async remove(address: string): Promise<void> {
    if (this.#options.state.relays().every((r) => r.address !== address)) throw new ApiError('relay-not-found', 'That relay is not in your list.');
    await this.#options.state.transact((tx) => tx.relays.remove(address));
    this.#reachability.delete(address);
    this.#changed();
    await this.maintain();
  }

  /** Brings mailboxes in line with my relays and contacts; runs one at a time, and once more if asked meanwhile. */
  maintain(): Promise<void> {
    if (this.#maintainQueued) return this.#maintaining;
    this.#maintainQueued = true;
    this.#maintaining = this.#maintaining.then(async () => {
      this.#maintainQueued = false;
      if (this.#stopped) return;
      try {
        await this.#maintain();
      } catch (error) {
        this.#options.log(`relay mailboxes: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    return this.#maintaining;
  }

  async #maintain(): Promise<void> {
    const { state, messenger } = this.#options;
    const relays = state.relays();
    const mine = new Set(relays.map((r) => r.address));
    const preferred = relays.find((r) => this.#reachability.get(r.address)?.state !== 'unreachable') ?? relays[0];
    const told = new Set<string>();
    for (const mailbox of state.mailboxes()) {
      const contact = state.contact(mailbox.contact);
      if (mine.has(mailbox.relay) && contact?.status === 'accepted' && !contact.blocked) {
        this.#fetch(mailbox);
        continue;
      }
      await this.#close(mailbox);
      if (contact !== undefined) told.add(contact.address);
    }
    let mailboxesChanged = told.size > 0;
    for (const contact of state.contacts()) {
      if (preferred === undefined || this.#stopped) break;
      if (contact.status !== 'accepted' || contact.blocked || state.mailbox(contact.address) !== undefined) continue;
      const opened = await this.#open(contact.address, preferred.address as OnionAddress);
      if (!opened) break;
      told.add(contact.address);
      mailboxesChanged = true;
    }
    for (const address of told) await messenger.announceMailbox(address as OnionAddress);
    if (mailboxesChanged) this.#changed(true);
  }

  /** Opens a queue and a capability for the contact on the relay; false if the relay cannot be used now. */
  async #open(contact: string, relay: OnionAddress): Promise<boolean> {
    const client = this.#clients.get(relay);
    if (client === undefined) return false;
    const key = generateQueueKey();
    try {
      await client.createQueue(key);
      const { capabilityId, capability } = await client.createCapability(key);
      const mailbox: Mailbox = { contact, relay, queueSeed: key.seed, capabilityId, capability, createdAt: new Date(this.#now()).toISOString() };
      // The contact may have been removed while the relay answered.
      if (this.#options.state.contact(contact) === undefined) {
        await client.deleteQueue(key).catch(() => undefined);
        return true;
      }
      await this.#options.state.transact((tx) => tx.mailboxes.put(mailbox));
      this.#fetch(mailbox);
      return true;
    } catch (error) {
      if (!(error instanceof RelayError)) throw error;
      this.#reachability.set(relay, { state: 'unreachable', checkedAt: this.#now(), problem: error.message });
      this.#options.log(`could not open a mailbox on ${relay}: ${error.message}`);
      this.#changed();
      return false;
    }
  }

  /** Deletes the queue at the relay (if it answers: otherwise its retention ends it) and forgets the mailbox. */
  async #close(mailbox: Mailbox): Promise<void> {
    this.#fetchers.get(mailbox.contact)?.stop();
    this.#fetchers.delete(mailbox.contact);
    const client = this.#clients.get(mailbox.relay as OnionAddress);
    try {
      await client?.deleteQueue(queueKeyFromSeed(mailbox.queueSeed));
    } catch (error) {
      this.#options.log(`could not delete the mailbox for ${mailbox.contact} at ${mailbox.relay}: ${(error as Error).message}`);
    }
    await this.#options.state.transact((tx) => tx.mailboxes.remove(mailbox.contact));
  }

  #fetch(mailbox: Mailbox): void {
    const running = this.#fetchers.get(mailbox.contact);
    if (running?.relay === mailbox.relay) return;
    running?.stop();
    const fetcher = new MailboxFetcher({
      mailbox,
      clients: this.#clients,
      receive: (peer, kind, body) => this.#options.messenger.receiveRelayed(peer, kind, body),
      onGone: (contact) => void this.#background('reopening a mailbox', () => this.#forget(contact)),
      log: this.#options.log,
    });
    this.#fetchers.set(mailbox.contact, fetcher);
    fetcher.start();
  }

  /** The relay lost the queue: the mailbox is dropped here, and the next round opens a new one and tells the contact. */
  async #forget(contact: string): Promise<void> {
    this.#fetchers.delete(contact);
    await this.#options.state.transact((tx) => tx.mailboxes.remove(contact));
    await this.maintain();
  }

  /** Work nobody waits for: it must not reject (an unhandled rejection ends the core), so its failure is logged; none after stop. */
  #background(what: string, work: () => Promise<void>): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return work().catch((error: unknown) => {
      if (!this.#stopped) this.#options.log(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  async #probeAll(): Promise<void> {
    await Promise.all(
      this.#options.state.relays().map(async ({ address }) => {
        const client = this.#clients.get(address as OnionAddress);
        if (client === undefined) return;
        try {
          await client.probe();
          this.#reachability.set(address, { state: 'reachable', checkedAt: this.#now() });
        } catch (error) {
          if (!(error instanceof RelayError)) throw error;
          this.#reachability.set(address, { state: 'unreachable', checkedAt: this.#now(), problem: error.message });
        }
      }),
    );
    this.#changed();
  }

  /** Tells the UI the relays' new state; with `mailboxes`, also the contacts (whose `myRelay` changed). */
  #changed(mailboxes = false): void {
    if (this.#stopped) return;
    this.#options.onRelays(this.list());
    if (mailboxes) for (const contact of this.#options.state.contacts()) this.#options.messenger.contactChanged(contact.address);
  }
}
