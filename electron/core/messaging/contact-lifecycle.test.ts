// Two messengers over a faked link: befriending, removing and adding again, with real stores and Signal sessions.
import { describe, expect, it } from 'vitest';
import { befriend, linkUp, pairPerTest, restart, settle, type Party } from './messenger-test-kit.js';

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
