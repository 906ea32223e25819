// Relay mailboxes between two messengers: a real relay API (SQLite) on loopback, real profiles and Signal sessions.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageDto, RelayDto } from '../../shared/api/index.js';
import { generateOnionKey } from '../identity/index.js';
import { linkDown, linkUp, pairPerTest, settle, type Party } from '../messaging/messenger-test-kit.js';
import { startRelayHttp, type RelayHttp } from '../../relay/index.js';
import { RelayService } from './relay-service.js';

const RELAY = generateOnionKey().address;
let alice: Party;
let bob: Party;
pairPerTest((a, b) => ([alice, bob] = [a, b]));

let dir: string;
let relay: RelayHttp;
let up: boolean;
const services: RelayService[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'allium-relay-app-'));
  relay = await startRelayHttp({ dataDir: dir });
  up = true;
});

afterEach(async () => {
  for (const service of services.splice(0)) service.stop();
  await relay.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The party's relay mailboxes, reaching the loopback relay for any relay address (while `up`). */
function relaysOf(p: Party): RelayService & { lists: RelayDto[][] } {
  const lists: RelayDto[][] = [];
  const service = new RelayService({
    state: p.session.state,
    messenger: p.messenger,
    targetFor: () => (up && relay.url !== undefined ? { kind: 'direct', baseUrl: relay.url } : undefined),
    onRelays: (list) => lists.push(list),
    log: (line) => p.logged.push(line),
  });
  service.start();
  services.push(service);
  return Object.assign(service, { lists });
}

async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const received = (p: Party): string[] => (p.events['message.received'] ?? []).map((m) => m.text);
const lastState = (p: Party, id: string): string | undefined => (p.events['message.updated'] ?? []).filter((u) => u.id === id).at(-1)?.state;

async function bobOpensMailbox(): Promise<RelayService> {
  const service = relaysOf(bob);
  await service.add(`allium-relay:${RELAY}.onion`);
  await until('Alice to learn of the mailbox', () => alice.session.state.contact(bob.address)?.theirMailbox?.relay === RELAY);
  return service;
}

describe('relay mailboxes', () => {
  it('delivers 20 messages left at the relay exactly once and in order, and Alice sees them delivered on the next link', { timeout: 90_000 }, async () => {
    await bobOpensMailbox();
    expect(bob.messenger.contact(alice.address).myRelay).toBe(RELAY);
    expect(alice.messenger.contact(bob.address).theirRelay).toBe(RELAY);
    const aliceRelays = relaysOf(alice);
    await aliceRelays.reachable();
    // Bob's fetcher is stopped while he is "offline"; his relay keeps the deposits.
    for (const s of services.filter((s) => s !== aliceRelays)) s.stop();
    linkDown(alice.links, bob.links);

    const sent: MessageDto[] = [];
    for (let i = 1; i <= 20; i++) sent.push(await alice.messenger.sendText(bob.address, `relayed ${String(i)}`, 'relay'));
    await until('all 20 held by the relay', () => sent.every((m) => lastState(alice, m.id) === 'held'));
    expect(relay.store.stats().messages).toBe(20);
    const held = alice.events['message.updated']?.find((u) => u.id === sent[0]?.id && u.state === 'held');
    expect(held?.heldUntil).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000);

    // Bob comes back (Alice is still unreachable): he fetches from the relay.
    await relaysOf(bob).reachable();
    await until('Bob to store all 20', () => received(bob).length >= 20);
    await settle();
    expect(received(bob)).toEqual(sent.map((_, i) => `relayed ${String(i + 1)}`));
    await until('the relay to delete what Bob acknowledged', () => relay.store.stats().messages === 0);

    // Alice returns: the receipt on the new link marks them delivered.
    linkUp(alice.links, bob.links);
    await until('Alice to see all 20 delivered', () => sent.every((m) => lastState(alice, m.id) === 'delivered'));
    expect(alice.session.state.outbox()).toHaveLength(0);
    expect(received(bob)).toHaveLength(20);
  });

  it('with "wait", nothing reaches the relay and the message goes once both are online', { timeout: 60_000 }, async () => {
    await bobOpensMailbox();
    await relaysOf(alice).reachable();
    linkDown(alice.links, bob.links);
    const message = await alice.messenger.sendText(bob.address, 'kept here', 'direct');
    await settle();
    expect(relay.store.stats().messages).toBe(0);
    expect(lastState(alice, message.id) ?? 'queued').toBe('queued');
    linkUp(alice.links, bob.links);
    await until('delivered directly', () => lastState(alice, message.id) === 'delivered');
    expect(received(bob)).toEqual(['kept here']);
  });

  it('a message that arrives both from the relay and directly is shown once', { timeout: 60_000 }, async () => {
    await bobOpensMailbox();
    await relaysOf(alice).reachable();
    for (const s of services) s.stop();
    linkDown(alice.links, bob.links);
    const message = await alice.messenger.sendText(bob.address, 'twice carried', 'relay');
    await until('held', () => lastState(alice, message.id) === 'held');
    linkUp(alice.links, bob.links);
    await until('delivered directly', () => lastState(alice, message.id) === 'delivered');
    // Now Bob fetches the relay's copy as well.
    await relaysOf(bob).reachable();
    await until('the relay copy fetched and acknowledged', () => relay.store.stats().messages === 0);
    await settle();
    expect(received(bob)).toEqual(['twice carried']);
  });

  it('a relay that is down leaves the message queued, and it goes directly once the contact is back', { timeout: 60_000 }, async () => {
    await bobOpensMailbox();
    await relaysOf(alice).reachable();
    linkDown(alice.links, bob.links);
    await relay.stop();
    const message = await alice.messenger.sendText(bob.address, 'relay is down', 'relay');
    await settle();
    const update = alice.events['message.updated']?.filter((u) => u.id === message.id).at(-1);
    expect(update).toMatchObject({ state: 'queued', error: expect.stringMatching(/^The relay did not take it: .*could not be reached/) as unknown });
    linkUp(alice.links, bob.links);
    await until('delivered directly', () => lastState(alice, message.id) === 'delivered');
    relay = await startRelayHttp({ dataDir: dir });
  });

  it('removing the relay closes the mailbox there and tells the contact', { timeout: 60_000 }, async () => {
    const service = await bobOpensMailbox();
    expect(relay.store.stats().queues).toBe(1);
    await service.remove(RELAY);
    await until('Alice to learn the mailbox is gone', () => alice.session.state.contact(bob.address)?.theirMailbox === null);
    expect(relay.store.stats().queues).toBe(0);
    expect(bob.session.state.mailboxes()).toHaveLength(0);
    expect(service.list()).toEqual([]);
  });

  it('never rejects from starting its mailboxes (nobody waits for it): an unexpected failure is logged instead', async () => {
    const service = new RelayService({
      state: bob.session.state,
      messenger: bob.messenger,
      targetFor: () => {
        throw new Error('tor vanished');
      },
      onRelays: () => undefined,
      log: (line) => bob.logged.push(line),
    });
    services.push(service);
    await bob.session.state.transact((tx) => tx.relays.put({ address: RELAY, addedAt: new Date().toISOString() }));
    await expect(service.reachable()).resolves.toBeUndefined();
    expect(bob.logged).toContain('starting relay mailboxes failed: tor vanished');
  });

  it('refuses text that is no relay address, in words', async () => {
    const service = relaysOf(bob);
    await expect(service.add('allium-relay:notanaddress')).rejects.toMatchObject({ code: 'invalid-relay' });
    up = false;
    await expect(service.add(RELAY)).rejects.toMatchObject({ code: 'tor-unavailable' });
  });
});
