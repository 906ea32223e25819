// Requests naming a group have their own limit, expire, and wait in the admin's join-requests inbox, apart from contact requests.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOnionKey, type OnionKey } from '../../identity/index.js';
import type { ContactRequestFrame } from '../../protocol/index.js';
import { createBinding } from '../../signal/binding.js';
import { GROUP_REQUEST_LIMITS, GROUP_REQUEST_TTL_MS } from './group-requests.js';
import { disposeMember, member, until, type Member, type MeshLinks } from './group-mesh-kit.js';

function joinRequestFrom(stranger: OnionKey, group: string): ContactRequestFrame {
  const signalIdentityKey = randomBytes(33);
  return {
    type: 'contact-request',
    nickname: 'Throwaway',
    message: '',
    signalIdentityKey,
    binding: createBinding(stranger, signalIdentityKey),
    prekeyBundle: randomBytes(64),
    group: { id: group, secret: '' },
  };
}

describe('group requests from strangers', () => {
  let mesh: Map<string, MeshLinks>;
  let alice: Member, bob: Member;
  let clock = Date.parse('2026-12-04T12:00:00.000Z');

  beforeEach(async () => {
    mesh = new Map();
    clock = Date.parse('2026-12-04T12:00:00.000Z');
    [alice, bob] = (await Promise.all(['Alice', 'Bob'].map((name) => member(name, mesh, { now: () => clock })))) as [Member, Member];
  });

  afterEach(async () => {
    for (const m of [alice, bob]) await disposeMember(m);
  });

  it('250 join requests from throwaway keys leave a real contact request room, are listed for the admin, and expire', async () => {
    const group = await alice.messenger.groups.create('Open to ask');
    await alice.messenger.groups.setListing(group.id, { relay: 'a'.repeat(56), name: 'Open to ask', description: '', policy: 'ask' });
    const strangers = Array.from({ length: 250 }, () => generateOnionKey());
    for (const stranger of strangers) alice.links.emit('frame', { peer: stranger.address, frame: joinRequestFrom(stranger, group.id) });
    await until(() => alice.logged.filter((l) => l.startsWith('group request from') || l.includes('waits for an admin')).length >= 250);

    const listed = alice.messenger.groups.joinRequests();
    expect(listed).toHaveLength(GROUP_REQUEST_LIMITS.overall);
    expect(listed.every((r) => r.groupId === group.id && strangers.some((s) => s.address === r.address))).toBe(true);
    expect(alice.logged.filter((l) => l.includes('rate-limited-overall'))).toHaveLength(250 - GROUP_REQUEST_LIMITS.overall);
    expect(alice.messenger.requests()).toEqual([]);

    // A real contact request still gets in: group requests count neither against the 200 pending nor the hourly limit.
    await bob.messenger.addContact(alice.address, 'Alice', 'hello from Bob');
    await until(() => alice.messenger.requests().length > 0);
    expect(alice.messenger.requests().map((r) => r.address)).toEqual([bob.address]);
    expect(alice.logged.some((l) => l.includes('inbox-full') || l.startsWith(`contact request from ${bob.address} refused`))).toBe(false);

    // A week later nobody answered them: they are gone, the introductions they left too; Bob's contact request stays.
    clock += GROUP_REQUEST_TTL_MS + 60_000;
    expect(alice.messenger.groups.joinRequests()).toEqual([]);
    const late = generateOnionKey();
    alice.links.emit('frame', { peer: late.address, frame: joinRequestFrom(late, group.id) });
    await until(() => alice.messenger.groups.joinRequests().length === 1);
    expect(alice.messenger.groups.joinRequests().map((r) => r.address)).toEqual([late.address]);
    expect(alice.session.state.contactRequests().filter((r) => r.group !== undefined).map((r) => r.address)).toEqual([late.address]);
    expect(alice.session.state.groupJoinRequests().map((r) => r.address)).toEqual([late.address]);
    expect(alice.messenger.requests().map((r) => r.address)).toEqual([bob.address]);
  });
});
