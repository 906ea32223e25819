// Groups between four real messengers: invitations, a link, messages to all, an offline member, a removal, refusals.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupSenderKeys, MissingSenderKeyError } from '../../groups/index.js';
import { StateGroupKeys } from '../../store/index.js';
import { decodeEnvelope } from '../envelope.js';
import { befriendMembers, disposeMember, groupTexts, member, settle, type Member, type MeshLinks } from './group-mesh-kit.js';

describe('groups between four messengers', () => {
  let mesh: Map<string, MeshLinks>;
  let alice: Member, bob: Member, carol: Member, dave: Member;

  beforeEach(async () => {
    mesh = new Map();
    [alice, bob, carol, dave] = await Promise.all(['Alice', 'Bob', 'Carol', 'Dave'].map((name) => member(name, mesh))) as [Member, Member, Member, Member];
    await befriendMembers(alice, bob);
    await befriendMembers(alice, carol);
  });

  afterEach(async () => {
    for (const m of [alice, bob, carol, dave]) await disposeMember(m);
  });

  /** Alice's group with Bob and Carol (invited contacts) and Dave (by link, nobody's contact). */
  async function fourInAGroup(): Promise<string> {
    const group = await alice.messenger.groups.create('Hikers');
    await alice.messenger.groups.invite(group.id, bob.address);
    await alice.messenger.groups.invite(group.id, carol.address);
    await settle();
    for (const m of [bob, carol]) {
      const [invitation] = m.messenger.groups.invitations();
      expect(invitation?.groupName).toBe('Hikers');
      await m.messenger.groups.acceptInvitation(invitation!.id);
    }
    await dave.messenger.groups.joinByLink(alice.messenger.groups.inviteLink(group.id).link);
    await settle();
    await settle();
    return group.id;
  }

  it('lets four people into one group and shows each of them all four members', async () => {
    const id = await fourInAGroup();
    for (const m of [alice, bob, carol, dave]) {
      const group = m.messenger.groups.get(id);
      expect(group.standing, m.name).toBe('member');
      expect(group.members.map((x) => x.address).sort(), m.name).toEqual([alice, bob, carol, dave].map((x) => x.address).sort());
    }
    // Dave is nobody's contact: he stays out of everyone's contact list, and they out of his.
    expect(bob.messenger.contacts().map((c) => c.address)).toEqual([alice.address]);
    expect(dave.messenger.contacts()).toEqual([]);
  });

  it('delivers every member’s messages to all others exactly once, in order per sender', async () => {
    const id = await fourInAGroup();
    for (const m of [alice, bob, carol, dave]) for (const n of [1, 2, 3]) await m.messenger.groups.send(id, `${m.name} ${String(n)}`);
    await settle();
    await settle();
    for (const m of [alice, bob, carol, dave]) {
      const texts = await groupTexts(m, id);
      for (const sender of [alice, bob, carol, dave]) {
        if (process.env['DEBUG_GROUPS'] !== undefined) console.log(m.name, m.logged);
        expect(texts.filter((t) => t.from === sender.address).map((t) => t.text), `${m.name} from ${sender.name}`).toEqual([1, 2, 3].map((n) => `${sender.name} ${String(n)}`));
      }
    }
    const sent = await alice.messenger.groups.history(id, undefined, 10);
    expect(sent.messages.find((msg) => msg.text === 'Alice 3')?.delivery).toEqual({ delivered: 3, total: 3 });
  });

  it('keeps messages for a member who is offline and delivers them when she is back', async () => {
    const id = await fourInAGroup();
    carol.links.goOffline();
    await alice.messenger.groups.send(id, 'while Carol is away 1');
    await bob.messenger.groups.send(id, 'while Carol is away 2');
    await settle();
    expect((await groupTexts(carol, id)).map((t) => t.text)).not.toContain('while Carol is away 1');
    const pending = (await alice.messenger.groups.history(id, undefined, 10)).messages.find((m) => m.text === 'while Carol is away 1');
    expect(pending?.delivery).toEqual({ delivered: 2, total: 3 });
    carol.links.goOnline();
    await settle();
    await settle();
    expect((await groupTexts(carol, id)).map((t) => t.text)).toEqual(expect.arrayContaining(['while Carol is away 1', 'while Carol is away 2']));
  });

  it('removes Dave: the others see three members, and he cannot read what is sent afterwards', async () => {
    const id = await fourInAGroup();
    const rosterBefore = (await import('../../groups/index.js')).foldRoster(id, dave.session.state.group(id)!.operations).roster;
    await alice.messenger.groups.removeMember(id, dave.address);
    await settle();
    await settle();
    for (const m of [alice, bob, carol]) expect(m.messenger.groups.get(id).members.map((x) => x.address), m.name).not.toContain(dave.address);
    expect(dave.messenger.groups.get(id).standing).toBe('removed');

    bob.links.goOffline();
    await alice.messenger.groups.send(id, 'after Dave left');
    const copy = alice.session.state.outbox().find((e) => e.to === bob.address && e.group !== undefined);
    const body = decodeEnvelope(copy!.envelope).body;
    if (body.kind !== 'group-message') throw new Error('expected a group message');
    // Dave's own keys, as his core holds them, cannot open it.
    const daveKeys = new GroupSenderKeys(dave.address, new StateGroupKeys(dave.session.state));
    await expect(daveKeys.decrypt(rosterBefore, alice.address, body.ciphertext)).rejects.toBeInstanceOf(MissingSenderKeyError);
    bob.links.goOnline();
    await settle();
    await settle();
    expect((await groupTexts(bob, id)).map((t) => t.text)).toContain('after Dave left');
    expect((await groupTexts(carol, id)).map((t) => t.text)).toContain('after Dave left');
    expect((await groupTexts(dave, id)).map((t) => t.text)).not.toContain('after Dave left');
    await carol.messenger.groups.send(id, 'still talking');
    await settle();
    expect((await groupTexts(bob, id)).map((t) => t.text)).toContain('still talking');
  });
});
