// Groups between four real messengers: invitations, a link, messages to all, an offline member, a removal, refusals.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOnionKey } from '../../identity/index.js';
import { GroupSenderKeys, MissingSenderKeyError, RosterLog, foldRoster, signRosterOperation } from '../../groups/index.js';
import { StateGroupKeys } from '../../store/index.js';
import { decodeEnvelope, encodeEnvelope, makeEnvelope, type EnvelopeBody } from '../envelope.js';
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
    const rosterBefore = foldRoster(id, dave.session.state.group(id)!.operations).roster;
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

  /** An envelope from `from` to `to` as their sessions carry it, numbered next after what `to` stored from `from`. */
  async function inject(from: Member, to: Member, body: (seq: number) => EnvelopeBody): Promise<void> {
    const seq = (to.session.state.contact(from.address)?.inSeq ?? 0) + 1;
    const sealed = await from.signal.encrypt(to.address, encodeEnvelope(makeEnvelope(body(seq))));
    await from.session.state.persist();
    await to.messenger.receiveRelayed(from.address, sealed.kind, sealed.body);
  }

  it('refuses and logs forged roster operations, a replayed message and a removed member’s frames', async () => {
    const id = await fourInAGroup();
    const members = (m: Member): string[] => m.messenger.groups.get(id).members.map((x) => x.address).sort();
    const before = members(carol);
    const log = new RosterLog(id);
    for (const op of carol.session.state.group(id)!.operations) log.accept(op);
    const eve = generateOnionKey();
    const eveCard = { address: eve.address, signalIdentityKey: bob.signal.localBinding().signalIdentityKey, binding: new Uint8Array(64) };
    // Bob is a plain member: he may not add anyone.
    const byMember = signRosterOperation(bob.key, log.draft({ kind: 'remove', member: dave.address }));
    await inject(bob, carol, (seq) => ({ kind: 'group-ops', seq, group: id, operations: [byMember.bytes] }));
    // Eve was never in the group; Bob passes her operation on.
    const byStranger = signRosterOperation(eve, log.draft({ kind: 'add', member: eveCard, role: 'member' }));
    await inject(bob, carol, (seq) => ({ kind: 'group-ops', seq, group: id, operations: [byStranger.bytes] }));
    expect(members(carol)).toEqual(before);
    expect(carol.logged.filter((l) => l.startsWith(`refused a roster operation from ${bob.address}`))).toHaveLength(2);
    expect(carol.logged.some((l) => l.includes('AuthorNotAllowedError'))).toBe(true);
    expect(carol.logged.some((l) => l.includes('AuthorNotMemberError'))).toBe(true);

    // A message Alice sent, delivered, then sent again as a new envelope: the sender key's replay guard refuses it.
    carol.links.goOffline();
    await alice.messenger.groups.send(id, 'only once');
    const copy = alice.session.state.outbox().find((e) => e.to === carol.address && e.group !== undefined)!;
    const original = decodeEnvelope(copy.envelope).body;
    if (original.kind !== 'group-message') throw new Error('expected a group message');
    carol.links.goOnline();
    await settle();
    await inject(alice, carol, (seq) => ({ ...original, seq }));
    expect((await groupTexts(carol, id)).filter((t) => t.text === 'only once')).toHaveLength(1);
    expect(carol.logged.some((l) => l.startsWith(`refused a group message from ${alice.address}`) && l.includes('ReplayedGroupMessageError'))).toBe(true);

    // Dave, removed, still has a session with Bob: what he sends for the group is refused.
    await alice.messenger.groups.removeMember(id, dave.address);
    await settle();
    await inject(dave, bob, (seq) => ({ kind: 'group-message', seq, group: id, message: '1'.repeat(32), ciphertext: new Uint8Array(40) }));
    expect(bob.logged).toContain(`refused a group message from ${dave.address}, who is no longer a member of group ${id}`);
  });
});
