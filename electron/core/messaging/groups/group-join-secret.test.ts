// Every removal rotates the join secret: an old link or invitation no longer lets anyone in, and says so in words.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { befriendMembers, disposeMember, member, until, type Member, type MeshLinks } from './group-mesh-kit.js';

const members = (m: Member, id: string): string[] => m.messenger.groups.get(id).members.map((x) => x.address);

describe('join secrets after a removal', () => {
  let mesh: Map<string, MeshLinks>;
  let alice: Member, bob: Member, dave: Member, erin: Member;

  beforeEach(async () => {
    mesh = new Map();
    [alice, bob, dave, erin] = (await Promise.all(['Alice', 'Bob', 'Dave', 'Erin'].map((name) => member(name, mesh)))) as [Member, Member, Member, Member];
    await befriendMembers(alice, bob);
  });

  afterEach(async () => {
    for (const m of [alice, bob, dave, erin]) await disposeMember(m);
  });

  it('a removed member’s old link waits for an admin (he is told in words) and only a fresh approval lets him back', async () => {
    const group = await alice.messenger.groups.create('Hikers');
    const oldLink = alice.messenger.groups.inviteLink(group.id).link;
    await dave.messenger.groups.joinByLink(oldLink);
    await until(() => dave.messenger.groups.get(group.id).standing === 'member');

    await alice.messenger.groups.removeMember(group.id, dave.address);
    await until(() => dave.messenger.groups.get(group.id).standing === 'removed');
    expect(dave.messenger.groups.get(group.id).standing).toBe('removed');
    expect(alice.messenger.groups.inviteLink(group.id).link).not.toBe(oldLink);

    // Dave still has a session with Alice: his join goes over it, with the secret from before his removal.
    await dave.messenger.groups.joinByLink(oldLink);
    await until(() => dave.messenger.groups.get(group.id).notice !== undefined);
    expect(members(alice, group.id)).not.toContain(dave.address);
    const seen = dave.messenger.groups.get(group.id);
    expect(seen.standing).toBe('joining');
    expect(seen.notice).toMatch(/no longer works/);
    expect(alice.messenger.groups.joinRequests().map((r) => r.address)).toEqual([dave.address]);

    await alice.messenger.groups.answerJoinRequest(dave.address, true);
    await until(() => dave.messenger.groups.get(group.id).standing === 'member');
    expect(members(alice, group.id)).toContain(dave.address);
    expect(dave.messenger.groups.get(group.id).standing).toBe('member');
    expect(dave.messenger.groups.get(group.id).notice).toBeUndefined();
  });

  it('a stranger with a link from before a removal is told it no longer works; the new link lets her in', async () => {
    const group = await alice.messenger.groups.create('Hikers');
    const oldLink = alice.messenger.groups.inviteLink(group.id).link;
    await alice.messenger.groups.invite(group.id, bob.address);
    await until(() => bob.messenger.groups.invitations().length > 0);
    await bob.messenger.groups.acceptInvitation(bob.messenger.groups.invitations()[0]!.id);
    await until(() => bob.messenger.groups.get(group.id).standing === 'member');
    await alice.messenger.groups.removeMember(group.id, bob.address);
    await until(() => bob.messenger.groups.get(group.id).standing === 'removed');

    await erin.messenger.groups.joinByLink(oldLink);
    await until(() => erin.messenger.groups.get(group.id).notice !== undefined);
    expect(members(alice, group.id)).not.toContain(erin.address);
    expect(erin.messenger.groups.get(group.id).notice).toMatch(/no longer works/);
    expect(alice.messenger.groups.joinRequests().map((r) => r.address)).toEqual([erin.address]);

    await erin.messenger.groups.joinByLink(alice.messenger.groups.inviteLink(group.id).link);
    await until(() => erin.messenger.groups.get(group.id).standing === 'member');
    expect(members(alice, group.id)).toContain(erin.address);
    expect(erin.messenger.groups.get(group.id).standing).toBe('member');
  });
});
