// Offline delivery through a real relay process and two whole cores on the private Tor network: relay or wait, as the sender chose.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBackSha256, uploadBytes } from '../../../scripts/test/api-upload.js';
import { CorePeer } from '../../../scripts/test/core-peer.js';
import { waitFor } from '../../../scripts/test/wait-for.js';
import { startRelay, type Relay } from '../../relay/index.js';
import type { MessageDto } from '../../shared/api/index.js';

const MINUTE = 60_000;

describe('relay mailboxes over the private Tor network', () => {
  const root = mkdtempSync(join(tmpdir(), 'allium-relay-mailbox-'));
  const env = { ...process.env, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') };
  const alice = new CorePeer('Alice', join(root, 'alice'), env);
  const bob = new CorePeer('Bob', join(root, 'bob'), env);
  let relay: Relay;

  const states = async (peer: CorePeer, address: string, ids: readonly string[]): Promise<string[]> =>
    (await peer.conversation(address)).filter((m) => ids.includes(m.id)).map((m) => m.state);

  beforeAll(async () => {
    [relay] = await Promise.all([startRelay({ dataDir: join(root, 'relay'), env, log: () => undefined }), alice.start(true), bob.start(true)]);
    await Promise.all([relay.waitUntilReachable(3 * MINUTE), alice.waitReachable(), bob.waitReachable()]);
    await alice.api['contacts.add']({ address: bob.address, nickname: 'Bob', message: 'Hi Bob' });
    const request = await waitFor(async () => (await bob.api['requests.list']({})).find((r) => r.address === alice.address), { what: 'the request', timeoutMs: 3 * MINUTE });
    await bob.api['requests.accept']({ id: request.id });
    await waitFor(async () => (await alice.api['contacts.list']({})).find((c) => c.address === bob.address && !c.pending), { what: 'the acceptance', timeoutMs: 2 * MINUTE });
  });

  afterAll(async () => {
    await Promise.allSettled([alice.core.stop(), bob.core.stop(), relay.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  it('lets Bob add the relay by its invitation and gives Alice a mailbox to leave messages in', async () => {
    // A young onion's descriptor may not be found at the first try.
    const added = await waitFor(() => bob.api['relays.add']({ address: relay.invitation }).catch(() => undefined), {
      what: 'Bob to reach the relay',
      timeoutMs: 3 * MINUTE,
      intervalMs: 2_000,
    });
    expect(added).toMatchObject({ address: relay.onionAddress, reachability: 'reachable' });
    await waitFor(async () => (await alice.api['contacts.list']({})).find((c) => c.address === bob.address && c.theirRelay === relay.onionAddress), {
      what: "Alice to learn Bob's mailbox",
      timeoutMs: 2 * MINUTE,
    });
    expect((await bob.api['relays.list']({}))[0]).toMatchObject({ address: relay.onionAddress, mailboxes: 1 });
  });

  it('with "wait", nothing reaches the relay while Bob is offline, and the messages go when both are online', async () => {
    await bob.core.stop();
    const deposits = relay.counters().deposits;
    const sent: MessageDto[] = [];
    for (const text of ['kept on my computer 1', 'kept on my computer 2']) sent.push(await alice.api['messages.send']({ address: bob.address, text, via: 'hold' }));
    // Long enough for any attempt to have been made.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    expect(relay.counters().deposits).toBe(deposits);
    expect(await states(alice, bob.address, sent.map((m) => m.id))).toEqual(['queued', 'queued']);

    await bob.start(false);
    await waitFor(async () => (await states(alice, bob.address, sent.map((m) => m.id))).every((s) => s === 'delivered'), {
      what: 'both delivered once Bob is back',
      timeoutMs: 4 * MINUTE,
      intervalMs: 1_000,
    });
    expect(relay.counters().deposits).toBe(deposits);
  });

  it('with "relay", 20 messages left while Bob is offline reach him exactly once, in order, while Alice is offline in turn', async () => {
    await bob.core.stop();
    const texts = Array.from({ length: 20 }, (_, i) => `left at your relay ${String(i + 1)}`);
    const sent: MessageDto[] = [];
    for (const text of texts) sent.push(await alice.api['messages.send']({ address: bob.address, text, via: 'relay' }));
    const ids = sent.map((m) => m.id);
    await waitFor(async () => (await states(alice, bob.address, ids)).every((s) => s === 'held'), { what: 'all 20 held by the relay', timeoutMs: 4 * MINUTE, intervalMs: 1_000 });
    const held = (await alice.conversation(bob.address)).find((m) => m.id === ids[0]);
    expect(held?.heldUntil).toBeGreaterThan(Date.now() + 29 * 24 * 60 * MINUTE);
    expect(relay.status().queues).toBe(1);

    await alice.core.stop();
    await bob.start(false);
    const received = await waitFor(
      async () => {
        const inbound = (await bob.conversation(alice.address)).filter((m) => m.text.startsWith('left at your relay'));
        return inbound.length >= 20 ? inbound : undefined;
      },
      { what: 'Bob to fetch all 20 from the relay', timeoutMs: 4 * MINUTE, intervalMs: 1_000 },
    );
    expect(received.map((m) => m.text)).toEqual(texts);
    await waitFor(() => relay.status().bytesHeld === 0, { what: 'the relay to delete what Bob acknowledged', timeoutMs: 2 * MINUTE, intervalMs: 1_000 });

    await alice.start(false);
    await waitFor(async () => (await states(alice, bob.address, ids)).every((s) => s === 'delivered'), {
      what: 'Alice to see all 20 delivered when she is back',
      timeoutMs: 4 * MINUTE,
      intervalMs: 1_000,
    });
    const inbound = (await bob.conversation(alice.address)).filter((m) => m.text.startsWith('left at your relay'));
    expect(inbound.map((m) => m.text)).toEqual(texts);
  });

  it('leaves a file for Bob at the relay while he is offline, and he gets it whole with Alice offline in turn', async () => {
    // Alice's copy lives on her own relay (her mailbox queue for Bob owns it): she adds the same relay.
    await waitFor(() => alice.api['relays.add']({ address: relay.invitation }).catch(() => undefined), { what: 'Alice to reach the relay', timeoutMs: 3 * MINUTE, intervalMs: 2_000 });
    await waitFor(async () => ((await alice.api['relays.list']({}))[0]?.mailboxes ?? 0) >= 1, { what: "Alice's mailbox for Bob", timeoutMs: 3 * MINUTE, intervalMs: 1_000 });
    await bob.core.stop();
    const bytes = randomBytes(2 * 1024 * 1024 + 77);
    const sent = await alice.api['files.send']({ conversation: bob.address, upload: await uploadBytes(alice.api, bytes), name: '../../holiday.jpg', via: 'relay' });
    expect(sent.file?.name).toBe('holiday.jpg');
    await waitFor(async () => (await states(alice, bob.address, [sent.id]))[0] === 'held', { what: 'the offer held by the relay', timeoutMs: 6 * MINUTE, intervalMs: 1_000 });

    await alice.core.stop();
    await bob.start(false);
    const received = await waitFor(
      async () => {
        const message = (await bob.conversation(alice.address)).find((m) => m.id === sent.id);
        return message?.file?.state === 'received' ? message : undefined;
      },
      { what: 'Bob to fetch the file from the relay', timeoutMs: 6 * MINUTE, intervalMs: 1_000 },
    );
    expect(received.file).toMatchObject({ name: 'holiday.jpg', size: bytes.length });
    expect(await readBackSha256(bob.api, alice.address, sent.id, bytes.length)).toBe(createHash('sha256').update(bytes).digest('hex'));
    await alice.start(false);
    // Bob's word that he holds it reaches Alice when she is back, though the bytes never came from her.
    await waitFor(async () => (await alice.conversation(bob.address)).find((m) => m.id === sent.id)?.file?.state === 'sent', {
      what: 'Alice to see the file sent',
      timeoutMs: 4 * MINUTE,
      intervalMs: 1_000,
    });
  });
});
