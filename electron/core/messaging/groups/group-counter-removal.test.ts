// Through four real messengers: an admin removed by another signs, on the log as it was before, the removal of his
// remover and sends it to everyone. He stays out and cannot read what is sent after his removal.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupSenderKeys, MissingSenderKeyError, RosterLog, foldRoster, signRosterOperation } from '../../groups/index.js';
import { StateGroupKeys } from '../../store/index.js';
import { decodeEnvelope, encodeEnvelope, makeEnvelope, type EnvelopeBody } from '../envelope.js';
import { befriendMembers, disposeMember, groupTexts, member, settle, type Member, type MeshLinks } from './group-mesh-kit.js';

describe('a removed admin’s counter-removal, through four messengers', () => {
  let mesh: Map<string, MeshLinks>;
  let alice: Member, bob: Member, carol: Member, dave: Member;

  beforeEach(async () => {
    mesh = new Map();
    [alice, bob, carol, dave] = (await Promise.all(['Alice', 'Bob', 'Carol', 'Dave'].map((name) => member(name, mesh)))) as [Member, Member, Member, Member];
    await befriendMembers(alice, bob);
    await befriendMembers(alice, carol);
    await befriendMembers(alice, dave);
  });

  afterEach(async () => {
    for (const m of [alice, bob, carol, dave]) await disposeMember(m);
  });

  /** An envelope from `from` to `to` as their session carries it, numbered next after what `to` stored from `from`. */
  async function inject(from: Member, to: Member, body: (seq: number) => EnvelopeBody): Promise<void> {
    const seq = (to.session.state.contact(from.address)?.inSeq ?? 0) + 1;
    const sealed = await from.signal.encrypt(to.address, encodeEnvelope(makeEnvelope(body(seq))));
    await from.session.state.persist();
    await to.messenger.receiveRelayed(from.address, sealed.kind, sealed.body);
  }

  it('Carol removes admin Bob; Bob’s backdated “remove Carol” takes her out too, but he stays out and reads nothing new', async () => {
    const group = await alice.messenger.groups.create('Hikers');
    const id = group.id;
    for (const m of [bob, carol, dave]) await alice.messenger.groups.invite(id, m.address);
    await settle();
    for (const m of [bob, carol, dave]) await m.messenger.groups.acceptInvitation(m.messenger.groups.invitations()[0]!.id);
    await settle();
    for (const m of [bob, carol]) await alice.messenger.groups.setRole(id, m.address, 'admin');
    await settle();
    await settle();
    const members = (m: Member): string[] => m.messenger.groups.get(id).members.map((x) => x.address).sort();
    for (const m of [alice, bob, carol, dave]) expect(members(m), m.name).toHaveLength(4);

    // What Bob holds before his removal: the heads he will sign after, and the roster whose keys he has.
    const bobsOps = bob.session.state.group(id)!.operations;
    const rosterBefore = foldRoster(id, bobsOps).roster;
    const before = new RosterLog(id);
    for (const op of bobsOps) before.accept(op, { trusted: true });
    await carol.messenger.groups.removeMember(id, bob.address);
    await settle();
    await settle();
    expect(bob.messenger.groups.get(id).standing).toBe('removed');

    const counter = signRosterOperation(bob.key, before.draft({ kind: 'remove', member: carol.address }));
    for (const to of [alice, carol, dave]) await inject(bob, to, (seq) => ({ kind: 'group-ops', seq, group: id, operations: [counter.bytes] }));
    await settle();
    await settle();
    for (const m of [alice, dave]) expect(members(m), m.name).toEqual([alice.address, dave.address].sort());
    expect(carol.messenger.groups.get(id).standing).toBe('removed');

    // A repeat of it, and his backdated removal of Dave, change nothing.
    const repeat = signRosterOperation(bob.key, { ...before.draft({ kind: 'remove', member: carol.address }), at: 5 });
    const removeDave = signRosterOperation(bob.key, before.draft({ kind: 'remove', member: dave.address }));
    await inject(bob, alice, (seq) => ({ kind: 'group-ops', seq, group: id, operations: [repeat.bytes, removeDave.bytes] }));
    await settle();
    expect(members(alice)).toEqual([alice.address, dave.address].sort());
    expect(alice.logged.filter((l) => l.includes('RevokedAuthorError'))).toHaveLength(2);

    // What Alice sends now is under an epoch Bob has no key of.
    dave.links.goOffline();
    await alice.messenger.groups.send(id, 'after Bob was removed');
    const copy = alice.session.state.outbox().find((e) => e.to === dave.address && e.group !== undefined);
    const body = decodeEnvelope(copy!.envelope).body;
    if (body.kind !== 'group-message') throw new Error('expected a group message');
    const bobsKeys = new GroupSenderKeys(bob.address, new StateGroupKeys(bob.session.state));
    await expect(bobsKeys.decrypt(rosterBefore, alice.address, body.ciphertext)).rejects.toBeInstanceOf(MissingSenderKeyError);
    dave.links.goOnline();
    await settle();
    await settle();
    expect((await groupTexts(dave, id)).map((t) => t.text)).toContain('after Bob was removed');
    expect((await groupTexts(bob, id)).map((t) => t.text)).not.toContain('after Bob was removed');
  });
});
