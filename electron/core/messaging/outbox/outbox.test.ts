// The outbox choosing a courier: the direct link when it is up, a second courier (here a stand-in relay) when the sender chose it.
import { describe, expect, it, vi } from 'vitest';
import type { MessageDto } from '../../../shared/api/index.js';
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import type { Courier, CourierOutcome, SealedEnvelope } from '../couriers/courier.js';
import { linkDown, linkUp, pairPerTest, restart, settle, type Party } from '../messenger-test-kit.js';

const DAY_MS = 24 * 60 * 60_000;

/** A relay as the outbox sees it: it keeps what it is given and answers as the test tells it; `deliver` is the recipient's fetch. */
class MailboxCourier implements Courier {
  readonly name = 'relay';
  readonly deposited: SealedEnvelope[] = [];
  reachable = true;
  answer: () => CourierOutcome;

  constructor(answer: () => CourierOutcome) {
    this.answer = answer;
  }

  canCarry(): boolean {
    return this.reachable;
  }

  carry(envelopes: readonly SealedEnvelope[]): Promise<CourierOutcome[]> {
    this.deposited.push(...envelopes);
    return Promise.resolve(envelopes.map(() => this.answer()));
  }

  /** The recipient fetches everything deposited, in the order it was deposited, as frames from the sender. */
  deliver(recipient: Party, sender: OnionAddress): void {
    for (const { ciphertext } of this.deposited) {
      recipient.links.emit('frame', { peer: sender, frame: { type: 'signal', kind: ciphertext.kind, body: ciphertext.body } });
    }
  }
}

describe('the outbox with a second courier', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]));

  const lastState = (p: Party, id: string) => p.events['message.updated']?.filter((e) => e.id === id).at(-1);

  it('leaves messages the sender chose to relay with it, sealed in order, held until its expiry, and delivered once fetched', async () => {
    const until = Date.now() + 30 * DAY_MS;
    const relay = new MailboxCourier(() => ({ kind: 'held', until }));
    alice.messenger.outbox.addCourier(relay);
    linkDown(alice.links, bob.links);
    const sent: MessageDto[] = [];
    for (const text of ['one', 'two', 'three', 'four']) sent.push(await alice.messenger.sendText(bob.address, text, 'relay'));

    expect(relay.deposited.map((e) => e.id)).toEqual(sent.map((m) => m.id));
    expect(relay.deposited.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(new Set(relay.deposited.map((e) => e.peer))).toEqual(new Set([bob.address]));
    for (const message of sent) expect(lastState(alice, message.id)).toMatchObject({ state: 'held', heldUntil: until });
    const page = await alice.messenger.history(bob.address, undefined, 10);
    expect(page.messages.map((m) => [m.state, m.heldUntil])).toEqual(sent.map(() => ['held', until]));
    expect(alice.links.sent.filter((f) => f.type === 'signal')).toHaveLength(0);

    // Bob fetches while Alice is offline; his receipt reaches her when they next meet, and nothing arrives twice.
    relay.deliver(bob, alice.address);
    await settle();
    expect(bob.events['message.received']?.map((m) => m.text)).toEqual(['one', 'two', 'three', 'four']);
    linkUp(alice.links, bob.links);
    await settle();
    await vi.waitFor(() => expect(sent.map((m) => lastState(alice, m.id)?.state)).toEqual(sent.map(() => 'delivered')), { timeout: 10_000 });
    expect(bob.events['message.received']?.map((m) => m.text)).toEqual(['one', 'two', 'three', 'four']);
    expect(alice.session.state.outbox()).toEqual([]);
  });

  it('still shows a message as held after a restart, without the relay being asked again', async () => {
    const until = Date.now() + 30 * DAY_MS;
    const relay = new MailboxCourier(() => ({ kind: 'held', until }));
    alice.messenger.outbox.addCourier(relay);
    linkDown(alice.links, bob.links);
    const message = await alice.messenger.sendText(bob.address, 'kept at the relay', 'relay');
    // The send answers once the message is stored; the relay's answer is recorded after.
    await vi.waitFor(() => expect(lastState(alice, message.id)).toMatchObject({ state: 'held' }));
    await restart(alice);
    const page = await alice.messenger.history(bob.address, undefined, 10);
    expect(page.messages.map((m) => [m.id, m.state, m.heldUntil])).toEqual([[message.id, 'held', until]]);
  });

  it('keeps a message the sender chose to wait with, and holds back the relayed ones after it so none arrives out of order', async () => {
    const relay = new MailboxCourier(() => ({ kind: 'held', until: Date.now() + DAY_MS }));
    alice.messenger.outbox.addCourier(relay);
    linkDown(alice.links, bob.links);
    const waiting = await alice.messenger.sendText(bob.address, 'wait for Bob', 'direct');
    const after = await alice.messenger.sendText(bob.address, 'relay me', 'relay');
    expect(relay.deposited).toEqual([]);
    expect([waiting.state, after.state]).toEqual(['queued', 'queued']);

    linkUp(alice.links, bob.links);
    await settle();
    expect(bob.events['message.received']?.map((m) => m.text)).toEqual(['wait for Bob', 'relay me']);
    expect(relay.deposited).toEqual([]);
  });

  it('queues a message the relay refuses, then tries it again later on its own', async () => {
    const until = Date.now() + DAY_MS;
    const relay = new MailboxCourier(() => ({ kind: 'unavailable', reason: 'the relay is full' }));
    alice.messenger.outbox.addCourier(relay);
    linkDown(alice.links, bob.links);
    const message = await alice.messenger.sendText(bob.address, 'try again', 'relay');
    expect(message.state).toBe('queued');
    await vi.waitFor(() => expect(alice.logged.some((l) => l.includes('the relay is full'))).toBe(true));
    const [entry] = alice.session.state.outbox();
    expect(entry).toMatchObject({ id: message.id, attempts: 1 });
    expect(Date.parse(entry?.nextAttemptAt ?? '')).toBeGreaterThan(Date.now());

    relay.answer = () => ({ kind: 'held', until });
    // No wake: the outbox's own timer brings the retry (after a few seconds of backoff).
    await vi.waitFor(() => expect(lastState(alice, message.id)).toMatchObject({ state: 'held', heldUntil: until }), { timeout: 30_000, interval: 200 });
    expect(relay.deposited.map((e) => e.id)).toEqual([message.id, message.id]);
    expect(alice.session.state.outbox()[0]).toMatchObject({ attempts: 2 });
  });

  it('waits for the link when the relay cannot take messages, and sends them directly once it is up', async () => {
    const relay = new MailboxCourier(() => ({ kind: 'held', until: Date.now() + DAY_MS }));
    relay.reachable = false;
    alice.messenger.outbox.addCourier(relay);
    linkDown(alice.links, bob.links);
    const message = await alice.messenger.sendText(bob.address, 'no relay today', 'relay');
    expect(message.state).toBe('queued');
    expect(relay.deposited).toEqual([]);
    linkUp(alice.links, bob.links);
    await settle();
    expect(bob.events['message.received']?.map((m) => m.text)).toEqual(['no relay today']);
    expect(lastState(alice, message.id)?.state).toBe('delivered');
  });
});
