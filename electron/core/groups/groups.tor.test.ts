// A group of four whole cores and a relay on the private Tor network: invitations, a link, fan-out, a member offline, a removal, and the directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBackSha256, uploadBytes } from '../../../scripts/test/api-upload.js';
import { CorePeer } from '../../../scripts/test/core-peer.js';
import { waitFor } from '../../../scripts/test/wait-for.js';
import { startRelay, type Relay } from '../../relay/index.js';

const MINUTE = 60_000;

describe('a group of four over the private Tor network', () => {
  const root = mkdtempSync(join(tmpdir(), 'allium-groups-'));
  const env = { ...process.env, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') };
  const alice = new CorePeer('Alice', join(root, 'alice'), env);
  const bob = new CorePeer('Bob', join(root, 'bob'), env);
  const carol = new CorePeer('Carol', join(root, 'carol'), env);
  const dave = new CorePeer('Dave', join(root, 'dave'), env);
  const everyone = [alice, bob, carol, dave];
  let relay: Relay;
  let groupId = '';
  /** Bob's first message to the group, and Alice's once she holds it. */
  const earlier = ['Bob’s first word', 'Alice, after Bob’s first word'] as const;

  /** The group's texts as `peer` holds them, by sender's name. */
  const textsBy = async (peer: CorePeer, sender: CorePeer): Promise<string[]> =>
    (await peer.groupConversation(groupId)).filter((m) => m.sender?.address === sender.address).map((m) => m.text);

  /** Waits until `peer` holds every one of `texts` in the group. */
  const waitTexts = (peer: CorePeer, texts: readonly string[], timeoutMs = 5 * MINUTE): Promise<unknown> =>
    waitFor(
      async () => {
        const held = new Set((await peer.groupConversation(groupId)).map((m) => m.text));
        return texts.every((t) => held.has(t));
      },
      { what: `${peer.name} to hold ${texts.join(', ')}`, timeoutMs, intervalMs: 1_000 },
    );

  beforeAll(async () => {
    [relay] = await Promise.all([startRelay({ dataDir: join(root, 'relay'), env, log: () => undefined }), ...everyone.map((p) => p.start(true))]);
    await Promise.all([relay.waitUntilReachable(3 * MINUTE), ...everyone.map((p) => p.waitReachable())]);
    await alice.befriend(bob);
    await alice.befriend(carol);
    await Promise.all([alice, bob, carol].map((p) => p.addRelay(relay.invitation)));
  }, 15 * MINUTE);

  afterAll(async () => {
    await Promise.allSettled([...everyone.map((p) => p.core.stop()), relay.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  it('lets Bob and Carol in by invitation and Dave, a stranger to all, by link: each sees four members', async () => {
    const created = await alice.api['groups.create']({ name: 'Garden club' });
    groupId = created.id;
    expect(created).toMatchObject({ standing: 'member', myRole: 'owner', members: [{ address: alice.address, me: true }] });

    for (const invitee of [bob, carol]) {
      await alice.api['groups.invite']({ group: groupId, address: invitee.address });
      const invitation = await waitFor(async () => (await invitee.api['groups.invitations']({})).find((i) => i.groupId === groupId), {
        what: `${invitee.name}'s invitation`,
        timeoutMs: 3 * MINUTE,
      });
      expect(invitation).toMatchObject({ groupName: 'Garden club', from: alice.address });
      const joined = await invitee.api['groups.acceptInvitation']({ id: invitation.id });
      expect(joined.id).toBe(groupId);
    }
    const { link } = await alice.api['groups.inviteLink']({ group: groupId });
    expect((await dave.api['groups.joinByLink']({ link })).standing).toBe('joining');

    for (const peer of everyone) {
      const group = await peer.waitMembers(groupId, 4, 8 * MINUTE);
      expect(group.members.map((m) => m.address).sort()).toEqual(everyone.map((p) => p.address).sort());
      expect(group.members.find((m) => m.address === alice.address)?.role).toBe('owner');
    }
    // The UI hears of it, and fellow members who are nobody's contact stay out of the contact lists.
    expect(dave.events.some((e) => e.name === 'group.updated' && (e.payload as { id: string }).id === groupId)).toBe(true);
    expect(bob.events.some((e) => e.name === 'group.invitation')).toBe(true);
    expect(bob.events.some((e) => e.name === 'group.invitation.removed')).toBe(true);
    expect((await bob.api['contacts.list']({})).map((c) => c.address)).toEqual([alice.address]);
    expect(await dave.api['contacts.list']({})).toEqual([]);
  }, 15 * MINUTE);

  it('carries a member’s first message to members who are not his contacts without waiting for a resend', async () => {
    // Bob is a contact of Alice only. If his copies to Carol and Dave waited for the resend timer (20 s, then doubling),
    // a message Alice sends once she holds Bob's would reach them first; arriving in this order, nothing waited.
    const [first, after] = earlier;
    await bob.api['groups.send']({ group: groupId, text: first });
    await waitTexts(alice, [first]);
    await alice.api['groups.send']({ group: groupId, text: after });
    for (const peer of [carol, dave]) {
      await waitTexts(peer, [first, after]);
      const received = peer.events
        .filter((e) => e.name === 'message.received' && (e.payload as { conversation: string }).conversation === groupId)
        .map((e) => (e.payload as { text: string }).text);
      expect(received.indexOf(first), peer.name).toBeLessThan(received.indexOf(after));
    }
  }, 10 * MINUTE);

  it('carries every member’s messages to all the others exactly once, in order per sender', async () => {
    const texts = new Map(everyone.map((p) => [p, [1, 2, 3].map((i) => `${p.name} says ${String(i)}`)]));
    await Promise.all(everyone.map(async (p) => {
      for (const text of texts.get(p)!) await p.api['groups.send']({ group: groupId, text });
    }));
    const all = [...texts.values()].flat();
    for (const peer of everyone) await waitTexts(peer, all, 8 * MINUTE);
    // Late duplicates would show up after the first copies.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const peer of everyone) {
      for (const sender of everyone) expect((await textsBy(peer, sender)).filter((t) => all.includes(t))).toEqual(texts.get(sender));
      expect(await peer.groupConversation(groupId)).toHaveLength(earlier.length + all.length);
    }
    const received = bob.events.filter((e) => e.name === 'message.received' && (e.payload as { conversation: string }).conversation === groupId);
    // Alice's earlier message, and every one of the others'.
    expect(received).toHaveLength(1 + all.length - 3);
  }, 15 * MINUTE);

  it('keeps what Alice and Bob send while Carol is offline at her relay, and she reads it when she is back', async () => {
    // Carol's mailboxes for Alice (a contact), Bob and Dave (fellow members only), and Alice knowing hers.
    await waitFor(async () => ((await carol.api['relays.list']({}))[0]?.mailboxes ?? 0) >= 3, { what: "Carol's three mailboxes", timeoutMs: 3 * MINUTE, intervalMs: 1_000 });
    await waitFor(async () => (await alice.api['contacts.list']({})).find((c) => c.address === carol.address && c.theirRelay === relay.onionAddress), {
      what: "Alice to learn Carol's mailbox",
      timeoutMs: 3 * MINUTE,
    });
    await carol.core.stop();
    const away = ['Alice while Carol is away', 'Bob while Carol is away'];
    await alice.api['groups.send']({ group: groupId, text: away[0]!, via: 'relay' });
    await bob.api['groups.send']({ group: groupId, text: away[1]!, via: 'relay' });
    await Promise.all([alice, bob, dave].map((p) => waitTexts(p, away)));
    await waitFor(() => relay.status().queues >= 1 && relay.status().bytesHeld > 0, { what: 'the relay to hold copies for Carol', timeoutMs: 4 * MINUTE, intervalMs: 1_000 });

    await carol.start(false);
    await waitTexts(carol, away, 6 * MINUTE);
    expect(await textsBy(carol, alice)).toEqual([earlier[1], ...['1', '2', '3'].map((i) => `Alice says ${i}`), away[0]]);
    expect(await textsBy(carol, bob)).toEqual([earlier[0], ...['1', '2', '3'].map((i) => `Bob says ${i}`), away[1]]);
  }, 20 * MINUTE);

  it('carries a file to every member from one copy at the relay, even with Alice offline once it is offered', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 123);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const upload = await uploadBytes(alice.api, bytes);
    const sent = await alice.api['files.send']({ conversation: groupId, upload, name: 'trail-map.bin', via: 'relay' });
    expect(sent.file).toMatchObject({ name: 'trail-map.bin', size: bytes.length });
    // Offered once the copy is at the relay, and stored by all three others (their receipts): then Alice may go.
    await waitFor(
      async () => {
        const mine = (await alice.groupConversation(groupId)).find((m) => m.id === sent.id);
        return mine?.file?.state !== 'preparing' && mine?.delivery?.delivered === 3 ? mine : undefined;
      },
      { what: "the file's offer to reach everyone", timeoutMs: 6 * MINUTE, intervalMs: 1_000 },
    );
    await alice.core.stop();
    for (const peer of [bob, carol, dave]) {
      const received = await waitFor(
        async () => {
          const message = (await peer.groupConversation(groupId)).find((m) => m.id === sent.id);
          return message?.file?.state === 'received' ? message : undefined;
        },
        { what: `${peer.name} to receive the file from the relay`, timeoutMs: 6 * MINUTE, intervalMs: 1_000 },
      );
      expect(received.sender?.address).toBe(alice.address);
      expect(await readBackSha256(peer.api, groupId, sent.id, bytes.length)).toBe(sha256);
    }
    await alice.start(false);
    await alice.waitReachable();
  }, 25 * MINUTE);

  it('lets Alice remove Dave: three members remain, Dave reads nothing sent afterwards, the others keep talking', async () => {
    const after = await alice.api['groups.removeMember']({ group: groupId, address: dave.address });
    expect(after.members).toHaveLength(3);
    for (const peer of [bob, carol]) await peer.waitMembers(groupId, 3);
    await waitFor(async () => (await dave.group(groupId))?.standing === 'removed', { what: 'Dave to see he was removed', timeoutMs: 4 * MINUTE, intervalMs: 1_000 });

    const later = ['Alice after Dave left', 'Bob after Dave left', 'Carol after Dave left'];
    await alice.api['groups.send']({ group: groupId, text: later[0]! });
    await bob.api['groups.send']({ group: groupId, text: later[1]! });
    await carol.api['groups.send']({ group: groupId, text: later[2]! });
    for (const peer of [alice, bob, carol]) await waitTexts(peer, later, 6 * MINUTE);
    const daves = (await dave.groupConversation(groupId)).map((m) => m.text);
    expect(daves.filter((t) => later.includes(t))).toEqual([]);
    await expect(dave.api['groups.send']({ group: groupId, text: 'still here?' })).rejects.toMatchObject({ code: 'not-member' });
  }, 20 * MINUTE);

  it('lists "tor-club" on the relay when Alice joins it by name, and lets Bob find it and join the same group', async () => {
    const club = await alice.api['groups.joinByName']({ name: 'tor-club' });
    expect(club).toMatchObject({ standing: 'member', myRole: 'owner', listing: { relay: relay.onionAddress, name: 'tor-club', policy: 'open' } });
    const listed = await waitFor(async () => (await bob.api['groups.directory']({})).groups.find((g) => g.name === 'tor-club'), {
      what: 'Bob to see tor-club listed',
      timeoutMs: 3 * MINUTE,
      intervalMs: 2_000,
    });
    expect(listed).toMatchObject({ relay: relay.onionAddress, groupId: club.id, memberCount: 1, joined: false });

    const joined = await bob.api['groups.joinByName']({ name: 'tor-club' });
    expect(joined.id).toBe(club.id);
    await bob.waitMembers(club.id, 2);
    await alice.waitMembers(club.id, 2);
    // Alice's core publishes the new count (within 30 s of the join), and LIST on Carol's core shows it.
    await waitFor(async () => (await carol.api['groups.directory']({})).groups.find((g) => g.name === 'tor-club')?.memberCount === 2, {
      what: 'Carol to see tor-club with 2 members',
      timeoutMs: 2 * MINUTE,
      intervalMs: 2_000,
    });
  }, 15 * MINUTE);
});
