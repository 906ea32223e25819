// A relay with its own tor on the private network, used over its onion by two clients through tor's SOCKS.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ProcessGroup } from '../../scripts/testnet/process-group.js';
import { startClientTor, type ClientTor } from '../../scripts/test/client-tor.js';
import { waitFor } from '../../scripts/test/wait-for.js';
import { RelayClient, RelayCapabilityError, generateQueueKey, newEnvelopeId, parseRelayAddress } from '../core/relay-client/index.js';
import { createTorRuntime, type TorRuntime } from '../core/tor/index.js';
import { startRelay, type Relay } from './index.js';

const REACHABLE_TIMEOUT_MS = 180_000;

describe('relay over the private Tor network', () => {
  let dir: string;
  let group: ProcessGroup;
  let relay: Relay;
  let aliceTor: ClientTor;
  let bobTor: TorRuntime;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'allium-relay-tor-'));
    group = new ProcessGroup();
    const env = { ...process.env, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') };
    // Alice dials through a bare client tor's TCP SOCKS port; Bob through the core's tor runtime (a unix socket here).
    [relay, aliceTor] = await Promise.all([
      startRelay({ dataDir: join(dir, 'relay'), env }),
      startClientTor(group, { name: 'alice', parentDir: dir, networkLines: inject('testnetTorrcLines') }),
    ]);
    bobTor = createTorRuntime({ torDir: join(dir, 'bob'), env });
    await bobTor.start();
    await Promise.all([relay.waitUntilReachable(REACHABLE_TIMEOUT_MS), bobTor.waitForBootstrap(REACHABLE_TIMEOUT_MS), aliceTor.tor.waitForLine(/Bootstrapped 100%/)]);
  });

  afterAll(async () => {
    await relay?.stop();
    await bobTor?.stop();
    await group?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps its onion key in its data dir, readable by its owner only', async () => {
    expect((await stat(join(dir, 'relay', 'onion-service', 'hs_ed25519_secret_key'))).mode & 0o777).toBe(0o600);
    expect(parseRelayAddress(relay.invitation)).toBe(relay.onionAddress);
  });

  it('carries a deposit to a waiting fetch over the onion, then deletes it on acknowledgement', async () => {
    const address = parseRelayAddress(relay.invitation);
    const bobSocks = bobTor.socks;
    if (bobSocks === undefined) throw new Error("Bob's tor has no SOCKS endpoint");
    const bob = new RelayClient({ target: { kind: 'onion', address, socks: bobSocks } });
    const alice = new RelayClient({ target: { kind: 'onion', address, socks: { kind: 'tcp', host: '127.0.0.1', port: aliceTor.socksPort } } });
    try {
      // The first dial can miss a descriptor this young; the probe retries until the relay answers.
      const info = await waitFor(() => bob.probe(), { what: 'the relay to answer Bob over its onion', timeoutMs: 120_000, intervalMs: 2_000 });
      expect(info.service).toBe('allium-relay');
      await waitFor(() => alice.probe(), { what: 'the relay to answer Alice over its onion', timeoutMs: 120_000, intervalMs: 2_000 });

      const key = generateQueueKey();
      expect(await bob.createQueue(key)).toEqual({ created: true });
      const { capability, capabilityId } = await bob.createCapability(key);

      const waiting = bob.fetch(key, { waitSeconds: 25 });
      await waitFor(() => relay.status().fetchesPerMinute > 0, { what: "Bob's fetch to reach the relay", timeoutMs: 60_000 });
      const id = newEnvelopeId();
      const receipt = await alice.deposit(capability, id, Buffer.from('ciphertext for Bob'));
      expect(receipt.stored).toBe(true);
      expect(receipt.expiresAt).toBeGreaterThan(Date.now() + 29 * 24 * 3_600_000);

      const batch = await waiting;
      expect(batch.map((m) => [m.envelopeId, Buffer.from(m.envelope).toString()])).toEqual([[id, 'ciphertext for Bob']]);
      expect(relay.status()).toMatchObject({ queues: 1, bytesHeld: 1_024 });
      expect(await bob.ack(key, batch[0]!.sequence)).toBe(1);
      expect(relay.status().bytesHeld).toBe(0);

      await bob.revokeCapability(key, capabilityId);
      await expect(alice.deposit(capability, newEnvelopeId(), Buffer.from('too late'))).rejects.toBeInstanceOf(RelayCapabilityError);
      const status = (await (await fetch(relay.statusUrl)).json()) as Record<string, number>;
      expect(Object.keys(status).sort()).toEqual(['bytesHeld', 'depositsPerMinute', 'fetchesPerMinute', 'queues']);
    } finally {
      alice.close();
      bob.close();
    }
  });
});
