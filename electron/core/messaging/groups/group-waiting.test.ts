// What a peer can make a group keep waiting is bounded: non-members none, members a byte budget; every envelope is still acknowledged.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RosterLog, signRosterOperation } from '../../groups/index.js';
import { encodeEnvelope, makeEnvelope, type EnvelopeBody } from '../envelope.js';
import { befriendMembers, disposeMember, member, until, type Member, type MeshLinks } from './group-mesh-kit.js';
import { WAITING_LIMITS } from './group-waiting.js';

/** An envelope from `from` to `to` as their session carries it, numbered next after what `to` stored from `from`. */
async function inject(from: Member, to: Member, body: (seq: number) => EnvelopeBody): Promise<number> {
  const seq = (to.session.state.contact(from.address)?.inSeq ?? 0) + 1;
  const sealed = await from.signal.encrypt(to.address, encodeEnvelope(makeEnvelope(body(seq))));
  await from.session.state.persist();
  await to.messenger.receiveRelayed(from.address, sealed.kind, sealed.body);
  return seq;
}

describe('waiting envelopes of a group', () => {
  let mesh: Map<string, MeshLinks>;
  let alice: Member, bob: Member, carol: Member, dave: Member;

  beforeEach(async () => {
    mesh = new Map();
    [alice, bob, carol, dave] = (await Promise.all(['Alice', 'Bob', 'Carol', 'Dave'].map((name) => member(name, mesh)))) as [Member, Member, Member, Member];
    await befriendMembers(alice, bob);
    await befriendMembers(bob, carol);
  });

  afterEach(async () => {
    for (const m of [alice, bob, carol, dave]) await disposeMember(m);
  });

  it('keeps nothing from a contact or hidden co-member outside the group, and a member’s flood only up to the budgets', async () => {
    const g = await alice.messenger.groups.create('G');
    await alice.messenger.groups.invite(g.id, bob.address);
    await until(() => bob.messenger.groups.invitations().length > 0);
    await bob.messenger.groups.acceptInvitation(bob.messenger.groups.invitations()[0]!.id);
    await until(() => bob.messenger.groups.get(g.id).standing === 'member');
    // Dave shares another group with Bob: a hidden contact with a session, not in G.
    const h = await bob.messenger.groups.create('H');
    await dave.messenger.groups.joinByLink(bob.messenger.groups.inviteLink(h.id).link);
    await until(() => dave.messenger.groups.get(h.id).standing === 'member' && bob.session.state.contact(dave.address)?.status === 'accepted');
    expect(bob.session.state.contact(dave.address)?.hidden).toBe(true);

    // Each flooder's numbers: every envelope must be stored (or refused) with its counter, so each next one follows it.
    const sent = new Map<string, number[]>([alice, carol, dave].map((m) => [m.address, []]));
    // Carol and Dave each send 6 group messages of ~50 KB for G, which no roster of G holds them for.
    for (const flooder of [carol, dave]) {
      for (let n = 0; n < 6; n += 1) {
        sent.get(flooder.address)!.push(await inject(flooder, bob, (seq) => ({ kind: 'group-message', seq, group: g.id, message: randomBytes(16).toString('hex'), ciphertext: randomBytes(50_000) })));
      }
    }
    // Alice, a member, sends 8 envelopes of 80 operations naming parents nobody has, each with one that applies.
    const replica = new RosterLog(g.id);
    for (const op of bob.session.state.group(g.id)!.operations) replica.accept(op);
    for (let n = 0; n < 8; n += 1) {
      const applies = replica.accept(signRosterOperation(alice.key, replica.draft({ kind: 'rename', name: `G ${String(n)}` })).bytes);
      const orphans = Array.from({ length: 80 }, () =>
        signRosterOperation(alice.key, { group: g.id, parents: [randomBytes(32).toString('hex')], at: Date.now(), action: { kind: 'rename', name: 'x'.repeat(64) } }).bytes,
      );
      sent.get(alice.address)!.push(await inject(alice, bob, (seq) => ({ kind: 'group-ops', seq, group: g.id, operations: [applies.bytes, ...orphans] })));
    }

    const waiting = bob.session.state.group(g.id)!.waiting;
    const bytes = (from?: string): number => waiting.filter((w) => from === undefined || w.from === from).reduce((sum, w) => sum + w.envelope.length, 0);
    expect(bytes(carol.address)).toBe(0);
    expect(bytes(dave.address)).toBe(0);
    expect(bytes(alice.address)).toBeGreaterThan(0);
    expect(bytes(alice.address)).toBeLessThanOrEqual(WAITING_LIMITS.senderBytes);
    expect(bytes()).toBeLessThanOrEqual(WAITING_LIMITS.groupBytes);
    expect(bob.messenger.groups.get(g.id).name).toBe('G 7');
    expect(bob.logged.filter((l) => l.startsWith(`dropped a group-message from ${carol.address}`) && l.endsWith('not a member of the group'))).toHaveLength(6);
    expect(bob.logged.some((l) => l.startsWith(`dropped a group-ops from ${alice.address}`) && l.includes('one sender may have at most'))).toBe(true);

    // Every envelope was stored or refused with the counter: each flooder's channel is acknowledged to the end.
    for (const [address, seqs] of sent) {
      expect(seqs.slice(1).every((seq, i) => seq === seqs[i]! + 1), address).toBe(true);
      expect(bob.session.state.contact(address)!.inSeq, address).toBeGreaterThanOrEqual(seqs.at(-1)!);
    }
    // An unrelated write still goes through.
    await bob.session.state.updateSettings({ theme: 'dark' });
    expect(bob.session.state.settings.theme).toBe('dark');
  }, 60_000);
});
