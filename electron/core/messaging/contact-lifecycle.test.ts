// Two messengers over a faked link: befriending, removing and adding again, with real stores and Signal sessions.
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../shared/api/index.js';
import { DEFAULT_PREKEY_POLICY, InMemorySignalRecordStore, SignalSessions, type SignalIntroduction } from '../signal/index.js';
import { decodeEnvelope } from './envelope.js';
import { befriend, linkDown, linkUp, pairPerTest, restart, settle, type Party } from './messenger-test-kit.js';

/** Waits, generously, for what the two messengers settle into: frames cross and stores write at the machine's pace. */
async function until(condition: () => boolean): Promise<void> {
  await settle();
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: 15_000, interval: 50 });
}

describe('contacts adding each other at once', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]), { befriended: false });

  it('become contacts on both sides when the side that accepts had already written', async () => {
    // The side with the smaller address accepts the other's request.
    const [accepter, requester] = alice.address < bob.address ? [alice, bob] : [bob, alice];
    await accepter.messenger.addContact(requester.address, 'Them', 'hi');
    await requester.messenger.addContact(accepter.address, 'Them', 'hi');
    await accepter.messenger.sendText(requester.address, 'written before they added me');
    linkUp(alice.links, bob.links);
    await settle();
    expect(accepter.messenger.contact(requester.address).pending).toBe(false);
    expect(requester.messenger.contact(accepter.address).pending).toBe(false);
    await requester.messenger.sendText(accepter.address, 'reply');
    await settle();
    const texts = (await accepter.messenger.history(requester.address, undefined, 10)).messages.map((m) => m.text);
    expect(texts.sort()).toEqual(['reply', 'written before they added me']);
    const theirs = (await requester.messenger.history(accepter.address, undefined, 10)).messages.map((m) => m.text);
    expect(theirs.sort()).toEqual(['reply', 'written before they added me']);
  });
});

describe('accepting a request', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]), { befriended: false });

  it('accepts once when asked twice at once, and the conversation works', async () => {
    linkUp(alice.links, bob.links);
    await alice.messenger.addContact(bob.address, 'Bob', 'hi');
    await settle();
    const answers = await Promise.allSettled([bob.messenger.acceptRequest(alice.address), bob.messenger.acceptRequest(alice.address)]);
    expect(answers.map((a) => a.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(answers.find((a) => a.status === 'rejected')).toMatchObject({ reason: { code: 'request-not-found' } });
    await settle();
    await bob.messenger.sendText(alice.address, 'welcome');
    await settle();
    expect(alice.events['message.received']?.map((m) => m.text)).toEqual(['welcome']);
  });
});

describe('a request that cannot be accepted', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]), { befriended: false });

  function requestFrom(sender: Party, introduction: SignalIntroduction): void {
    const frame = { type: 'contact-request' as const, nickname: 'Alice', message: 'hi', ...introduction };
    bob.links.emit('frame', { peer: sender.address, frame });
  }

  it('says the safety number changed when its sender was a contact before with another key', async () => {
    await befriend(alice, bob);
    await bob.messenger.removeContact(alice.address);
    // Alice reinstalled: the same onion address, a new Signal identity.
    const reinstalled = await SignalSessions.open({ records: new InMemorySignalRecordStore(), onionKey: alice.key });
    requestFrom(alice, await reinstalled.localIdentity());
    await until(() => bob.messenger.requests().length === 1);
    const refused = await bob.messenger.acceptRequest(alice.address).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'identity-changed' });
    expect((refused as ApiError).message).toContain('Alice was your contact before');
    expect(bob.messenger.requests()).toHaveLength(1);
  });

  it('discards a request whose prekey bundle is damaged, and says so in words', async () => {
    requestFrom(alice, { ...alice.signal.localBinding(), prekeyBundle: Uint8Array.of(1, 2, 3) });
    await until(() => bob.messenger.requests().length === 1);
    const refused = await bob.messenger.acceptRequest(alice.address).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'request-unusable' });
    expect((refused as ApiError).message).toContain('Ask Alice to add you again');
    expect(bob.messenger.requests()).toEqual([]);
    expect(bob.events['request.removed']?.map((e) => e.id)).toContain(alice.address);
  });
});

describe('a request older than the prekeys kept for it', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]), { befriended: false });

  it('is completed when accepted: the requester sends a fresh one, and both sides end up talking', async () => {
    await alice.messenger.addContact(bob.address, 'Bob', 'hi');
    // A hundred later introductions (other requests) push this request's one-time keys out of the pool.
    for (let i = 0; i < DEFAULT_PREKEY_POLICY.maxOneTimePreKeys; i++) await alice.signal.localIdentity();
    linkUp(alice.links, bob.links);
    await until(() => bob.messenger.requests().length === 1);
    await bob.messenger.acceptRequest(alice.address, 'Alice');
    await until(() => !alice.messenger.contact(bob.address).pending);
    expect(alice.logged.join('\n')).toContain('too old to complete');

    await bob.messenger.sendText(alice.address, 'welcome');
    await until(() => alice.events['message.received']?.at(-1)?.text === 'welcome');
    await alice.messenger.sendText(bob.address, 'thanks');
    await until(() => bob.events['message.received']?.at(-1)?.text === 'thanks');
  }, 60_000);
});

describe('contacts removed and added again', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]), { befriended: false });

  async function texts(p: Party, other: Party): Promise<string[]> {
    return (await p.messenger.history(other.address, undefined, 100)).messages.map((m) => m.text).reverse();
  }

  it('carries messages both ways once befriended', async () => {
    await befriend(alice, bob);
    expect(alice.messenger.contact(bob.address).pending).toBe(false);
    await alice.messenger.sendText(bob.address, 'one');
    await bob.messenger.sendText(alice.address, 'two');
    await settle();
    expect((await texts(bob, alice)).sort()).toEqual(['one', 'two']);
    expect((await texts(alice, bob)).sort()).toEqual(['one', 'two']);
  });

  it('accepts a contact removed on both sides and added again, without restarting', async () => {
    await befriend(alice, bob);
    for (const text of ['a', 'b', 'c']) await bob.messenger.sendText(alice.address, text);
    await settle();
    await alice.messenger.removeContact(bob.address);
    await bob.messenger.removeContact(alice.address);
    await settle();

    linkUp(alice.links, bob.links);
    await befriend(alice, bob);
    expect(alice.messenger.contact(bob.address).pending).toBe(false);
    const sent = await bob.messenger.sendText(alice.address, 'hello again');
    await settle();
    expect(await texts(alice, bob)).toContain('hello again');
    expect(bob.events['message.updated']?.filter((e) => e.id === sent.id).at(-1)?.state).toBe('delivered');
  });

  it('accepts a contact removed on both sides and added again, after a restart', async () => {
    await befriend(alice, bob);
    for (const text of ['a', 'b', 'c']) await bob.messenger.sendText(alice.address, text);
    for (const text of ['x', 'y', 'z']) await alice.messenger.sendText(bob.address, text);
    await settle();
    await alice.messenger.removeContact(bob.address);
    await bob.messenger.removeContact(alice.address);
    await settle();

    linkUp(alice.links, bob.links);
    await befriend(alice, bob);
    await restart(alice);
    await restart(bob);
    expect(alice.session.state.outbox()).toEqual([]);
    linkUp(alice.links, bob.links);
    await settle();
    await bob.messenger.sendText(alice.address, 'hello again');
    await settle();
    expect((await texts(alice, bob)).at(-1)).toBe('hello again');
  });
});

describe('a contact removed on one side only', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]), { befriended: false });

  async function texts(p: Party, other: Party): Promise<string[]> {
    return (await p.messenger.history(other.address, undefined, 100)).messages.map((m) => m.text).reverse();
  }

  // Alice made the request and Bob accepted it; either of them may be the one who removes and adds again.
  for (const removerIs of ['the requester', 'the accepter'] as const) {
    it(`talks again once ${removerIs} adds back the contact who kept them, and nothing old comes back`, async () => {
      await befriend(alice, bob);
      const [remover, keeper] = removerIs === 'the requester' ? [alice, bob] : [bob, alice];
      await remover.messenger.sendText(keeper.address, 'old from the remover');
      await settle();
      await keeper.messenger.sendText(remover.address, 'old from the keeper');
      await settle();
      await remover.messenger.removeContact(keeper.address);
      await settle();

      // Written on the old session while the remover had removed them: not shown then, but not lost either.
      const meanwhile = await keeper.messenger.sendText(remover.address, 'while you had removed me');
      linkUp(alice.links, bob.links);
      await settle();
      expect(remover.events['message.received']?.map((m) => m.text)).not.toContain('while you had removed me');

      await remover.messenger.addContact(keeper.address, 'Again', 'can we talk again?');
      await until(() => keeper.session.state.outbox().length === 0 && !remover.messenger.contact(keeper.address).pending);
      expect(keeper.messenger.contact(remover.address).pending).toBe(false);
      expect(keeper.events['message.updated']?.filter((e) => e.id === meanwhile.id).at(-1)?.state).toBe('delivered');

      await remover.messenger.sendText(keeper.address, 'back');
      await settle();
      await keeper.messenger.sendText(remover.address, 'welcome back');
      await until(() => remover.events['message.received']?.at(-1)?.text === 'welcome back');
      expect(await texts(remover, keeper)).toEqual(['while you had removed me', 'back', 'welcome back']);
      expect(await texts(keeper, remover)).toEqual(['old from the remover', 'old from the keeper', 'while you had removed me', 'back', 'welcome back']);

      // Across restarts, the start-up repair must not take the old numbers for lost messages.
      await restart(alice);
      await restart(bob);
      linkUp(alice.links, bob.links);
      await settle();
      expect(alice.session.state.outbox()).toEqual([]);
      expect(bob.session.state.outbox()).toEqual([]);
      await remover.messenger.sendText(keeper.address, 'after restarts');
      await settle();
      await keeper.messenger.sendText(remover.address, 'still here');
      await until(() => remover.events['message.received']?.at(-1)?.text === 'still here');
      expect((await texts(keeper, remover)).slice(-2)).toEqual(['after restarts', 'still here']);
      expect(await texts(remover, keeper)).toEqual(['while you had removed me', 'back', 'welcome back', 'after restarts', 'still here']);
    });
  }

  it('does not start over twice when the same new request arrives again', async () => {
    await befriend(alice, bob);
    await alice.messenger.removeContact(bob.address);
    linkUp(alice.links, bob.links);
    await alice.messenger.addContact(bob.address, 'Bob', 'again');
    await until(() => !alice.messenger.contact(bob.address).pending);
    // Alice repeats her stored request on every link until Bob's acceptance reaches her; one may arrive after it did.
    const request = alice.links.sent.findLast((frame) => frame.type === 'contact-request');
    bob.links.emit('frame', { peer: alice.address, frame: request });
    await settle();
    await bob.messenger.sendText(alice.address, 'one session');
    await settle();
    await alice.messenger.sendText(bob.address, 'one session too');
    await until(() => bob.events['message.received']?.at(-1)?.text === 'one session too');
    expect(await texts(alice, bob)).toEqual(['one session', 'one session too']);
    expect((await texts(bob, alice)).slice(-2)).toEqual(['one session', 'one session too']);
  });
});

describe('a contact who reinstalled and asks again', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]));

  it('is held for review when the new request carries a new key, and starts over once the key is accepted', async () => {
    const reinstalled = await SignalSessions.open({ records: new InMemorySignalRecordStore(), onionKey: alice.key });
    const frame = { type: 'contact-request' as const, nickname: 'Alice', message: 'new laptop', ...(await reinstalled.localIdentity()) };
    const outboxBefore = bob.session.state.outbox().map((e) => e.id);
    bob.links.emit('frame', { peer: alice.address, frame });
    await until(() => bob.messenger.contact(alice.address).identityChanged);
    expect(bob.session.state.outbox().map((e) => e.id)).toEqual(outboxBefore);

    await bob.messenger.acceptIdentityChange(alice.address);
    // Her new install repeats the request on the next link; this time Bob starts over from it.
    const sentBefore = bob.links.sent.length;
    bob.links.emit('frame', { peer: alice.address, frame });
    await until(() => bob.links.sent.slice(sentBefore).some((f) => f.type === 'signal' && f.kind === 'prekey'));
    const greeting = bob.links.sent.findLast((f) => f.type === 'signal' && f.kind === 'prekey');
    if (greeting?.type !== 'signal') throw new Error('no prekey message sent');
    const envelope = decodeEnvelope(await reinstalled.decrypt(bob.address, { kind: greeting.kind, body: greeting.body }));
    expect(envelope.body).toMatchObject({ kind: 'accept', seq: 1 });
  });
});

describe('a blocked contact added again', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]));

  it('starts over, and what was never acknowledged is delivered once, in order, without stalling what follows', async () => {
    linkDown(alice.links, bob.links);
    await alice.messenger.sendText(bob.address, 'first, before the block');
    await alice.messenger.sendText(bob.address, 'second, before the block');
    await alice.messenger.setBlocked(bob.address, true);
    await alice.messenger.addContact(bob.address, 'Bob', 'sorry');
    await alice.messenger.sendText(bob.address, 'after adding back');
    linkUp(alice.links, bob.links);
    await until(() => alice.session.state.outbox().length === 0);
    expect(alice.messenger.contact(bob.address)).toMatchObject({ pending: false, blocked: false });
    expect(bob.events['message.received']?.map((m) => m.text)).toEqual(['first, before the block', 'second, before the block', 'after adding back']);

    await restart(alice);
    linkUp(alice.links, bob.links);
    await settle();
    expect(alice.session.state.outbox()).toEqual([]);
    await alice.messenger.sendText(bob.address, 'and on');
    await until(() => bob.events['message.received']?.at(-1)?.text === 'and on');
    expect(bob.events['message.received']?.map((m) => m.text)).toHaveLength(4);
  });
});
