// "Delivered to k of n" as a UI sees it: never decreasing, never ahead of the members who stored the message.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { befriendMembers, disposeMember, member, until, type Member, type MeshLinks } from './group-mesh-kit.js';

describe('delivery counts of a group message', () => {
  let mesh: Map<string, MeshLinks>;
  let everyone: Member[];

  beforeEach(async () => {
    mesh = new Map();
    everyone = await Promise.all(['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank'].map((name) => member(name, mesh)));
    const [alice, ...others] = everyone as [Member, ...Member[]];
    for (const other of others.slice(0, 3)) await befriendMembers(alice, other);
  });

  afterEach(async () => {
    for (const m of everyone) await disposeMember(m);
  });

  it('counts only members who stored it, and the count only grows', async () => {
    const [alice, ...others] = everyone as [Member, ...Member[]];
    const group = await alice.messenger.groups.create('Counted');
    for (const other of others.slice(0, 3)) await alice.messenger.groups.invite(group.id, other.address);
    for (const other of others.slice(0, 3)) {
      await until(() => other.messenger.groups.invitations().length > 0);
      await other.messenger.groups.acceptInvitation(other.messenger.groups.invitations()[0]!.id);
    }
    for (const other of others.slice(3)) await other.messenger.groups.joinByLink(alice.messenger.groups.inviteLink(group.id).link);
    await until(() => others.every((m) => m.messenger.groups.get(group.id).members.length === everyone.length));
    await until(() => alice.session.state.outbox().length === 0);

    // Only Alice writes, so a member holds her n-th message once n of hers are unread there.
    const seen: { message: string; delivered: number; stored: number }[] = [];
    const order: string[] = [];
    alice.messenger.on('group.message.progressed', ({ update }) => {
      // An update before send() returned is about the message being sent.
      const index = order.includes(update.id) ? order.indexOf(update.id) : order.length;
      const stored = others.filter((m) => (m.session.state.group(group.id)?.unread ?? 0) > index).length;
      seen.push({ message: update.id, delivered: update.delivery?.delivered ?? 0, stored });
    });
    for (const n of [1, 2, 3]) {
      order.push((await alice.messenger.groups.send(group.id, `message ${String(n)}`)).id);
    }
    await until(() => order.every((id) => seen.some((s) => s.message === id && s.delivered === others.length)));

    for (const id of order) {
      const counts = seen.filter((s) => s.message === id);
      expect(counts.at(-1)?.delivered, id).toBe(others.length);
      expect(counts.every((s, i) => i === 0 || s.delivered >= counts[i - 1]!.delivered), JSON.stringify(counts)).toBe(true);
      expect(counts.every((s) => s.delivered <= s.stored), JSON.stringify(counts)).toBe(true);
    }
  }, 60_000);
});
