// Admitting members whatever the log's size, and joins that complete in any order, between real messengers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/index.js';
import { befriendMembers, disposeMember, member, restartMember, until, type Member, type MeshLinks } from './group-mesh-kit.js';

describe('admitting members', () => {
  let mesh: Map<string, MeshLinks>;
  let alice: Member, bob: Member;

  beforeEach(async () => {
    mesh = new Map();
    [alice, bob] = (await Promise.all(['Alice', 'Bob'].map((name) => member(name, mesh)))) as [Member, Member];
    await befriendMembers(alice, bob);
  });

  afterEach(async () => {
    for (const m of [alice, bob]) await disposeMember(m);
  });

  it('lets a member into a group whose log has 300+ operations (the welcome goes in chunks that fit a frame)', async () => {
    const group = await alice.messenger.groups.create('Big');
    for (let n = 0; n < 320; n += 1) await alice.messenger.groups.rename(group.id, `Big ${String(n)} ${'x'.repeat(40)}`);
    expect(alice.session.state.group(group.id)!.operations.reduce((sum, op) => sum + op.length, 0)).toBeGreaterThan(65_000);
    await alice.messenger.groups.invite(group.id, bob.address);
    await until(() => bob.messenger.groups.invitations().length > 0);
    await bob.messenger.groups.acceptInvitation(bob.messenger.groups.invitations()[0]!.id);
    await until(() => bob.messenger.groups.get(group.id).standing === 'member');
    expect(bob.messenger.groups.get(group.id).standing).toBe('member');
    expect(bob.session.state.group(group.id)!.operations).toHaveLength(322);
    // Nothing is stuck in Alice's outbox for Bob: a text after the welcome arrives.
    await alice.messenger.sendText(bob.address, 'after the welcome');
    await until(() => alice.session.state.outbox().every((e) => e.to !== bob.address));
    expect((await bob.messenger.history(alice.address, undefined, 10)).messages.map((m) => m.text)).toContain('after the welcome');
    expect(alice.session.state.outbox().filter((e) => e.to === bob.address)).toEqual([]);
  });

  it('refuses, in words and before storing it, an envelope no link can carry, and what follows still goes', async () => {
    const error = await alice.messenger.sendText(bob.address, '😀'.repeat(16_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('too-long');
    expect(alice.session.state.outbox().filter((e) => e.to === bob.address)).toEqual([]);
    // A group message too: refused before it is stored, so it never shows as sent (nor delivered) to nobody.
    const group = await alice.messenger.groups.create('Wordy');
    await alice.messenger.groups.invite(group.id, bob.address);
    await until(() => bob.messenger.groups.invitations().length > 0);
    await bob.messenger.groups.acceptInvitation(bob.messenger.groups.invitations()[0]!.id);
    await until(() => alice.messenger.groups.get(group.id).members.length === 2 && alice.session.state.outbox().length === 0);
    const groupError = await alice.messenger.groups.send(group.id, '😀'.repeat(16_000)).catch((e: unknown) => e);
    expect((groupError as ApiError).code).toBe('too-long');
    expect((await alice.messenger.groups.history(group.id, undefined, 10)).messages).toEqual([]);
    await alice.messenger.sendText(bob.address, 'short');
    await until(() => alice.session.state.outbox().every((e) => e.to !== bob.address));
    expect((await bob.messenger.history(alice.address, undefined, 10)).messages.map((m) => m.text)).toContain('short');
  });
});

describe('joining in any order', () => {
  let mesh: Map<string, MeshLinks>;
  let alice: Member, bob: Member, dave: Member;

  beforeEach(async () => {
    mesh = new Map();
    [alice, bob, dave] = (await Promise.all(['Alice', 'Bob', 'Dave'].map((name) => member(name, mesh)))) as [Member, Member, Member];
    await befriendMembers(alice, bob);
  });

  afterEach(async () => {
    for (const m of [alice, bob, dave]) await disposeMember(m);
  });

  it('Dave creates B, then joins A; Bob sees Dave in A and joins B through him at once: Bob becomes a member of B', async () => {
    const a = await alice.messenger.groups.create('A');
    await alice.messenger.groups.invite(a.id, bob.address);
    await until(() => bob.messenger.groups.invitations().length > 0);
    await bob.messenger.groups.acceptInvitation(bob.messenger.groups.invitations()[0]!.id);
    await until(() => bob.messenger.groups.get(a.id).standing === 'member');
    // Bob's and Dave's requests to each other wait (a slow route), so Bob's join finds his request to Dave pending.
    bob.links.cut(dave.address);
    const b = await dave.messenger.groups.create('B');
    const linkB = dave.messenger.groups.inviteLink(b.id).link;
    await dave.messenger.groups.joinByLink(alice.messenger.groups.inviteLink(a.id).link);
    // As soon as Bob sees Dave in A (his core has asked Dave for a session, not answered yet), he joins B.
    await until(() => bob.session.state.contact(dave.address)?.status === 'requested');
    expect(bob.messenger.groups.get(a.id).members.map((m) => m.address)).toContain(dave.address);
    await bob.messenger.groups.joinByLink(linkB);
    expect(bob.logged.some((l) => l.includes(`waiting for ${dave.address} to accept us first`))).toBe(true);
    bob.links.mend(dave.address);
    await until(() => bob.messenger.groups.get(b.id).standing === 'member');
    expect(bob.messenger.groups.get(b.id).standing).toBe('member');
    expect(dave.messenger.groups.get(b.id).members.map((m) => m.address)).toContain(bob.address);
    expect(bob.session.state.group(b.id)?.pendingJoinSecret).toBeUndefined();
  });

  it('a join that waits for the admin to accept us survives a restart and goes once they do', async () => {
    bob.links.cut(dave.address);
    const b = await dave.messenger.groups.create('B');
    await bob.messenger.addContact(dave.address, 'Dave', 'hi');
    await bob.messenger.groups.joinByLink(dave.messenger.groups.inviteLink(b.id).link);
    expect(bob.logged.some((l) => l.includes(`waiting for ${dave.address} to accept us first`))).toBe(true);
    bob = await restartMember(bob);
    bob.links.mend(dave.address);
    await until(() => dave.messenger.requests().length > 0);
    await dave.messenger.acceptRequest(bob.address, 'Bob');
    await until(() => bob.messenger.groups.get(b.id).standing === 'member');
    expect(bob.messenger.groups.get(b.id).standing).toBe('member');
  });
});
