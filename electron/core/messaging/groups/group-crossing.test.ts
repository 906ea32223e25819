// Fellow members who are not contacts dial each other at once: the link that loses carries frames away, and nothing may wait for the resend timer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { befriendMembers, disposeMember, groupTexts, member, settle, type Member, type MeshLinks } from './group-mesh-kit.js';

describe('crossing links between fellow members', () => {
  let mesh: Map<string, MeshLinks>;
  let alice: Member, bob: Member, carol: Member, dave: Member;
  let everyone: Member[];

  beforeEach(async () => {
    mesh = new Map();
    everyone = await Promise.all(['Alice', 'Bob', 'Carol', 'Dave'].map((name) => member(name, mesh)));
    [alice, bob, carol, dave] = everyone as [Member, Member, Member, Member];
    await befriendMembers(alice, bob);
    await befriendMembers(alice, carol);
  });

  afterEach(async () => {
    for (const m of everyone) await disposeMember(m);
  });

  /**
   * What is still in a member's outbox: an envelope lost with a link waits there for the resend timer (20 s, then
   * doubling), far longer than these tests run, unless the new link carries it again at once.
   */
  const unacknowledged = (m: Member): number => m.session.state.outbox().length;

  it('sets up every pairwise session and delivers each first message without a resend, though every new link is replaced', async () => {
    for (const m of everyone) m.links.crossDials = true;
    const group = await alice.messenger.groups.create('Hikers');
    await alice.messenger.groups.invite(group.id, bob.address);
    await alice.messenger.groups.invite(group.id, carol.address);
    await settle();
    for (const m of [bob, carol]) await m.messenger.groups.acceptInvitation(m.messenger.groups.invitations()[0]!.id);
    await dave.messenger.groups.joinByLink(alice.messenger.groups.inviteLink(group.id).link);
    for (let i = 0; i < 4; i += 1) await settle();
    for (const m of everyone) expect(m.messenger.groups.get(group.id).members, m.name).toHaveLength(4);

    for (const m of everyone) await m.messenger.groups.send(group.id, `first from ${m.name}`);
    for (let i = 0; i < 3; i += 1) await settle();
    for (const m of everyone) {
      const texts = (await groupTexts(m, group.id)).map((t) => t.text).sort();
      console.log(m.name, JSON.stringify(m.session.state.contacts().map((c) => [c.address.slice(0, 4), c.status, c.inSeq, c.outSeq])), JSON.stringify(m.session.state.contactRequests().map((r) => [r.address.slice(0, 4), r.direction, r.status])), m.session.state.outbox().map((e) => e.to.slice(0, 4) + ":" + String(e.seq)).join(" "));
      expect(texts, m.name).toEqual(everyone.map((x) => `first from ${x.name}`).sort());
      expect(unacknowledged(m), m.name).toBe(0);
    }
    // The crossing happened on each of the four new pairs (Alice's links to Bob and Carol came before): replaced with Signal frames in flight.
    expect(everyone.reduce((n, m) => n + m.links.replaced, 0)).toBe(4);
  });

  it('sends again at once what went out on a link just replaced by a second one', async () => {
    const group = await alice.messenger.groups.create('Hikers');
    await alice.messenger.groups.invite(group.id, bob.address);
    await settle();
    await bob.messenger.groups.acceptInvitation(bob.messenger.groups.invitations()[0]!.id);
    await settle();
    await alice.messenger.groups.send(group.id, 'lost with the old link');
    alice.links.replaceLink(bob.address);
    await alice.messenger.groups.send(group.id, 'on the new link');
    await settle();
    expect((await groupTexts(bob, group.id)).map((t) => t.text)).toEqual(['lost with the old link', 'on the new link']);
    expect(unacknowledged(alice)).toBe(0);
  });

  it('gives a member who refused a request before he was in the group the session as soon as he is', async () => {
    // Dave's address must be the smaller one: he accepts when both ask, from Bob's request, which he refused.
    while (dave.address > bob.address) {
      await disposeMember(dave);
      mesh.delete(dave.address);
      dave = await member('Dave', mesh);
      everyone[3] = dave;
    }
    const group = await alice.messenger.groups.create('Hikers');
    await alice.messenger.groups.invite(group.id, bob.address);
    await settle();
    await bob.messenger.groups.acceptInvitation(bob.messenger.groups.invitations()[0]!.id);
    await settle();
    // Alice's answers to Dave are slow: Bob hears that Dave is in, and asks him for a session, before Dave knows it.
    alice.links.hold(dave.address);
    await dave.messenger.groups.joinByLink(alice.messenger.groups.inviteLink(group.id).link);
    for (let i = 0; i < 3; i += 1) await settle();
    expect(dave.logged.some((line) => line.startsWith(`refused a group request from ${bob.address}`))).toBe(true);
    alice.links.release(dave.address);
    for (let i = 0; i < 3; i += 1) await settle();
    expect(dave.messenger.groups.get(group.id).standing).toBe('member');
    await dave.messenger.groups.send(group.id, 'first from Dave');
    await bob.messenger.groups.send(group.id, 'first from Bob');
    for (let i = 0; i < 3; i += 1) await settle();
    expect((await groupTexts(bob, group.id)).map((t) => t.text)).toContain('first from Dave');
    expect((await groupTexts(dave, group.id)).map((t) => t.text)).toContain('first from Bob');
    expect(unacknowledged(bob) + unacknowledged(dave)).toBe(0);
  });
});
