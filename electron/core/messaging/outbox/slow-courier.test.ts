// A courier that takes its time (a relay black-holed over tor): sends answer once stored, and order and exactly-once hold when it answers.
import { describe, expect, it, vi } from 'vitest';
import type { MessageDto } from '../../../shared/api/index.js';
import type { OnionAddress } from '../../../shared/onion-address/index.js';
import type { Courier, CourierOutcome, SealedEnvelope } from '../couriers/courier.js';
import { linkDown, linkUp, pairPerTest, settle, type Party } from '../messenger-test-kit.js';

const DAY_MS = 24 * 60 * 60_000;

/** A relay whose every carry hangs until the test answers it (or forever). */
class HangingCourier implements Courier {
  readonly name = 'relay';
  readonly calls: SealedEnvelope[][] = [];
  readonly #answers: ((outcomes: CourierOutcome[] | Error) => void)[] = [];

  canCarry(): boolean {
    return true;
  }

  carry(envelopes: readonly SealedEnvelope[]): Promise<CourierOutcome[]> {
    this.calls.push([...envelopes]);
    return new Promise((resolve, reject) => this.#answers.push((answer) => (answer instanceof Error ? reject(answer) : resolve(answer))));
  }

  /** Answers the `call`-th carry: every envelope in it gets `outcome`, or the carry throws. */
  answer(call: number, outcome: CourierOutcome | Error): void {
    const envelopes = this.calls[call] ?? [];
    this.#answers[call]?.(outcome instanceof Error ? outcome : envelopes.map(() => outcome));
  }

  /** The recipient fetches what was deposited, in order, as frames from the sender. */
  deliver(recipient: Party, sender: OnionAddress): void {
    for (const { ciphertext } of this.calls.flat()) {
      recipient.links.emit('frame', { peer: sender, frame: { type: 'signal', kind: ciphertext.kind, body: ciphertext.body } });
    }
  }
}

const texts = Array.from({ length: 20 }, (_, i) => `message ${String(i + 1)}`);

describe('the outbox with a courier that hangs', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]));

  const lastState = (p: Party, id: string) => p.events['message.updated']?.filter((e) => e.id === id).at(-1)?.state;

  it('answers every send once it is stored, hands the courier one batch at a time, and keeps the order when it answers', async () => {
    const relay = new HangingCourier();
    alice.messenger.outbox.addCourier(relay);
    linkDown(alice.links, bob.links);

    const sent: MessageDto[] = [];
    for (const text of texts) sent.push(await alice.messenger.sendText(bob.address, text, 'relay'));
    expect(sent.map((m) => m.state)).toEqual(texts.map(() => 'queued'));
    const page = await alice.messenger.history(bob.address, undefined, 50);
    expect(page.messages.map((m) => m.text).reverse()).toEqual(texts);
    expect(alice.session.state.outbox().map((e) => e.seq)).toEqual(texts.map((_, i) => i + 1));
    // The first deposit is still under way: nothing more is handed to the relay meanwhile.
    expect(relay.calls.map((call) => call.map((e) => e.seq))).toEqual([[1]]);

    // It fails: the first message waits for its retry, and nothing after it overtakes it.
    relay.answer(0, new Error('timed out'));
    await vi.waitFor(() => expect(alice.logged.some((l) => l.includes('timed out'))).toBe(true));
    await settle();
    expect(relay.calls).toHaveLength(1);
    expect(sent.map((m) => lastState(alice, m.id) ?? 'queued')).toEqual(texts.map(() => 'queued'));

    // The link comes up: everything goes directly, in order, once.
    linkUp(alice.links, bob.links);
    await vi.waitFor(() => expect(sent.map((m) => lastState(alice, m.id))).toEqual(texts.map(() => 'delivered')), { timeout: 10_000 });
    expect(bob.events['message.received']?.map((m) => m.text)).toEqual(texts);
    expect(alice.session.state.outbox()).toEqual([]);
  });

  it('lets the link overtake a deposit still under way, and stores nothing twice when the relay answers late', async () => {
    const relay = new HangingCourier();
    alice.messenger.outbox.addCourier(relay);
    linkDown(alice.links, bob.links);
    const sent: MessageDto[] = [];
    for (const text of texts.slice(0, 5)) sent.push(await alice.messenger.sendText(bob.address, text, 'relay'));
    expect(relay.calls.map((call) => call.map((e) => e.seq))).toEqual([[1]]);

    linkUp(alice.links, bob.links);
    await vi.waitFor(() => expect(sent.map((m) => lastState(alice, m.id))).toEqual(sent.map(() => 'delivered')), { timeout: 10_000 });
    relay.answer(0, { kind: 'held', until: Date.now() + DAY_MS });
    relay.deliver(bob, alice.address);
    await settle();
    expect(bob.events['message.received']?.map((m) => m.text)).toEqual(texts.slice(0, 5));
    expect(sent.map((m) => lastState(alice, m.id))).toEqual(sent.map(() => 'delivered'));
    expect(alice.session.state.outbox()).toEqual([]);
  });

  it('deposits what was stored while the first deposit hung, in order, once it is held', async () => {
    const relay = new HangingCourier();
    alice.messenger.outbox.addCourier(relay);
    linkDown(alice.links, bob.links);
    const sent: MessageDto[] = [];
    for (const text of texts.slice(0, 6)) sent.push(await alice.messenger.sendText(bob.address, text, 'relay'));
    const until = Date.now() + DAY_MS;
    relay.answer(0, { kind: 'held', until });
    await vi.waitFor(() => expect(relay.calls).toHaveLength(2));
    expect(relay.calls.map((call) => call.map((e) => e.seq))).toEqual([[1], [2, 3, 4, 5, 6]]);
    relay.answer(1, { kind: 'held', until });
    await vi.waitFor(() => expect(sent.map((m) => lastState(alice, m.id))).toEqual(sent.map(() => 'held')));

    relay.deliver(bob, alice.address);
    await settle();
    expect(bob.events['message.received']?.map((m) => m.text)).toEqual(texts.slice(0, 6));
  });
});
