// Alice and Bob as two whole cores on the private Tor network: request, accept, chat, and delivery across outages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CorePeer as Peer } from '../../scripts/test/core-peer.js';
import { waitFor } from '../../scripts/test/wait-for.js';
import type { MessageDto } from '../shared/api/index.js';

const MINUTE = 60_000;

describe('two cores over the private Tor network', () => {
  const root = mkdtempSync(join(tmpdir(), 'allium-core-'));
  const env = { ...process.env, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') };
  const alice = new Peer('Alice', join(root, 'alice'), env);
  const bob = new Peer('Bob', join(root, 'bob'), env);

  beforeAll(async () => {
    await Promise.all([alice.start(true), bob.start(true)]);
    await Promise.all([alice.waitReachable(), bob.waitReachable()]);
  });

  afterAll(async () => {
    await Promise.allSettled([alice.core.stop(), bob.core.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses to add an address with a typo, or our own address', async () => {
    const typo = `${bob.address.slice(0, 10)}${bob.address[10] === 'a' ? 'b' : 'a'}${bob.address.slice(11)}`;
    await expect(alice.api['contacts.add']({ address: typo, nickname: 'Bob', message: '' })).rejects.toMatchObject({ code: 'invalid-address', message: expect.stringMatching(/checksum/) as unknown });
    await expect(alice.api['contacts.add']({ address: alice.address, nickname: 'Me', message: '' })).rejects.toMatchObject({ code: 'own-address' });
  });

  it('lets Alice add Bob by address and Bob accept her request', async () => {
    const added = await alice.api['contacts.add']({ address: `  ${bob.address.toUpperCase()}.onion `, nickname: 'Bob', message: 'Hi Bob, it is Alice' });
    expect(added).toMatchObject({ address: bob.address, pending: true });

    const request = await waitFor(async () => (await bob.api['requests.list']({})).find((r) => r.address === alice.address), { what: 'Bob to see the request', timeoutMs: 3 * MINUTE });
    expect(request).toMatchObject({ nickname: 'Alice', message: 'Hi Bob, it is Alice' });
    // The link that carried the request is up, but Bob has not accepted: Alice is told nothing of his presence.
    expect((await alice.api['contacts.list']({})).find((c) => c.address === bob.address)).toMatchObject({ pending: true, online: false });

    const contact = await bob.api['requests.accept']({ id: request.id });
    expect(contact).toMatchObject({ address: alice.address, pending: false });
    await waitFor(async () => (await alice.api['contacts.list']({})).find((c) => c.address === bob.address && !c.pending && c.theirNickname === 'Bob'), {
      what: 'Alice to see the acceptance',
      timeoutMs: 2 * MINUTE,
    });
    expect(await bob.api['requests.list']({})).toEqual([]);
  });

  it('carries messages both ways and reports them delivered', async () => {
    const sent = await alice.api['messages.send']({ address: bob.address, text: 'hello <b>Bob</b> 👋' });
    await waitFor(() => alice.events.find((e) => e.name === 'message.updated' && (e.payload as { id: string; state: string }).id === sent.id && (e.payload as { state: string }).state === 'delivered'), {
      what: "Alice's message delivered",
      timeoutMs: 2 * MINUTE,
    });
    const reply = await bob.api['messages.send']({ address: alice.address, text: 'hi Alice' });
    await waitFor(async () => (await bob.conversation(alice.address)).find((m) => m.id === reply.id && m.state === 'delivered'), { what: "Bob's reply delivered", timeoutMs: 2 * MINUTE });

    expect((await bob.conversation(alice.address)).map((m) => [m.direction, m.text])).toEqual([
      ['in', 'hello <b>Bob</b> 👋'],
      ['out', 'hi Alice'],
    ]);
    expect((await alice.conversation(bob.address)).map((m) => [m.direction, m.text, m.state])).toEqual([
      ['out', 'hello <b>Bob</b> 👋', 'delivered'],
      ['in', 'hi Alice', 'delivered'],
    ]);
    const bobSeenByAlice = (await alice.api['contacts.list']({})).find((c) => c.address === bob.address);
    expect(bobSeenByAlice).toMatchObject({ online: true, unread: 1, lastMessage: { text: 'hi Alice', direction: 'in' } });
  });

  it('shows presence and gives both sides the same safety number', async () => {
    await bob.api['presence.set']({ status: 'away', text: 'at lunch' });
    await waitFor(async () => (await alice.api['contacts.list']({})).find((c) => c.address === bob.address && c.presence?.status === 'away' && c.presence.text === 'at lunch'), {
      what: "Alice to see Bob's presence",
      timeoutMs: MINUTE,
    });
    const fromAlice = await alice.api['safety.get']({ address: bob.address });
    const fromBob = await bob.api['safety.get']({ address: alice.address });
    expect(fromAlice.digits).toMatch(/^\d{60}$|^(\d{5} ){11}\d{5}$/);
    expect(fromAlice.digits).toBe(fromBob.digits);
    expect(await alice.api['safety.setVerified']({ address: bob.address, verified: true })).toMatchObject({ verified: true });
  });

  it('delivers 20 messages sent while Bob is offline exactly once, in order, after he comes back', async () => {
    await bob.core.stop();
    const texts = Array.from({ length: 20 }, (_, i) => `while you were away ${String(i + 1)}`);
    const sent: MessageDto[] = [];
    for (const text of texts) sent.push(await alice.api['messages.send']({ address: bob.address, text }));
    expect(sent.every((m) => m.state === 'queued' || m.state === 'sent')).toBe(true);

    await bob.start(false);
    const received = await waitFor(
      async () => {
        const inbound = (await bob.conversation(alice.address)).filter((m) => m.text.startsWith('while you were away'));
        return inbound.length >= 20 ? inbound : undefined;
      },
      { what: 'Bob to receive all 20', timeoutMs: 4 * MINUTE, intervalMs: 1_000 },
    );
    expect(received.map((m) => m.text)).toEqual(texts);
    await waitFor(async () => (await alice.conversation(bob.address)).filter((m) => sent.some((s) => s.id === m.id)).every((m) => m.state === 'delivered'), {
      what: 'Alice to see all 20 delivered',
      timeoutMs: 2 * MINUTE,
    });
  });

  it('delivers every message exactly once when Alice’s tor is killed mid-send', async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `through the outage ${String(i + 1)}`);
    const first = texts.slice(0, 5);
    for (const text of first) await alice.api['messages.send']({ address: bob.address, text });
    process.kill(alice.torPid(), 'SIGKILL');
    for (const text of texts.slice(5)) await alice.api['messages.send']({ address: bob.address, text });

    const received = await waitFor(
      async () => {
        const inbound = (await bob.conversation(alice.address)).filter((m) => m.text.startsWith('through the outage'));
        return inbound.length >= 10 ? inbound : undefined;
      },
      { what: 'Bob to receive all 10 after the tor restart', timeoutMs: 5 * MINUTE, intervalMs: 1_000 },
    );
    expect(received.map((m) => m.text)).toEqual(texts);
    await waitFor(async () => (await alice.conversation(bob.address)).filter((m) => m.text.startsWith('through the outage')).every((m) => m.state === 'delivered'), {
      what: 'Alice to see all 10 delivered',
      timeoutMs: 2 * MINUTE,
    });
  });
});
