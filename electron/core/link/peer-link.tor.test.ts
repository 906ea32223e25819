// Peer links over the private Tor network: two profiles' onions, a real handshake, frames both ways, Mallory refused.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateOnionKey, type OnionKey } from '../identity/index.js';
import { AuthRefusedError, BadAuthProofError, type AuthSigner, type Frame } from '../protocol/index.js';
import { createTorRuntime, type TorRuntime } from '../tor/index.js';
import { dialPeer } from './dial-peer.js';
import { next, TempDir } from './link-test-kit.js';
import { OnionListener, type RejectedConnection } from './onion-listener.js';
import type { PeerLink } from './peer-link.js';

const VIRTUAL_PORT = 9879;

interface Profile {
  readonly key: OnionKey;
  readonly tor: TorRuntime;
  readonly listener: OnionListener;
  readonly inbound: PeerLink[];
  readonly rejected: RejectedConnection[];
}

const signal = (text: string): Frame & { type: 'signal' } => ({ type: 'signal', kind: 'prekey', body: new TextEncoder().encode(text) });

/**
 * Dials until tor finds the fresh descriptor: the first fetches can fail on a young network, and a loaded machine can
 * lose an attempt after it reached the callee. Each lost attempt is pushed to `lost` so a test can account for it.
 */
async function dialWithRetry(from: Profile, signer: AuthSigner, to: Profile, timeoutMs: number, lost: unknown[] = []): Promise<PeerLink> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const socks = from.tor.socks;
    if (socks === undefined) throw new Error('no SOCKS endpoint');
    try {
      return await dialPeer({ socks, port: VIRTUAL_PORT, signer, peer: to.key.address, dialTimeoutMs: 60_000 });
    } catch (error) {
      if (error instanceof AuthRefusedError || Date.now() > deadline) throw error;
      lost.push(error);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

describe('peer links over the private Tor network', () => {
  const dir = new TempDir();
  const env = { ...process.env, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') };
  const profiles: Profile[] = [];
  const mallory = generateOnionKey();

  function profile(name: string): Profile {
    const key = generateOnionKey();
    const listener = new OnionListener({ localAddress: key.address, endpoint: { kind: 'unix', path: dir.file(`${name}.sock`) }, isBlocked: () => false });
    const created: Profile = { key, tor: createTorRuntime({ torDir: dir.file(name), env }), listener, inbound: [], rejected: [] };
    listener.on('link', (link) => created.inbound.push(link));
    listener.on('rejected', (entry) => created.rejected.push(entry));
    profiles.push(created);
    return created;
  }
  const alice = profile('alice');
  const bob = profile('bob');

  beforeAll(async () => {
    await Promise.all(
      profiles.map(async ({ key, tor, listener }) => {
        const target = await listener.listen();
        await tor.start();
        await tor.waitForBootstrap(120_000);
        await tor.publish({ key, virtualPort: VIRTUAL_PORT, target });
        await tor.waitForReachable(key.address, 90_000);
      }),
    );
  });

  afterAll(async () => {
    for (const { listener, inbound } of profiles) {
      for (const link of inbound) link.close();
      listener.close();
    }
    await Promise.all(profiles.map(({ tor }) => tor.stop()));
    dir.remove();
  });

  let aliceToBob: PeerLink;
  let bobFromAlice: PeerLink;

  it('authenticates Alice to Bob through tor and carries frames both ways', async () => {
    const arrived = next<PeerLink>(bob.listener, 'link', 120_000);
    aliceToBob = await dialWithRetry(alice, alice.key, bob, 120_000);
    bobFromAlice = await arrived;
    expect(aliceToBob.peer).toBe(bob.key.address);
    expect(bobFromAlice.peer).toBe(alice.key.address);

    const atBob = next<Frame>(bobFromAlice, 'frame');
    aliceToBob.send(signal('hello bob, over tor'));
    expect(await atBob).toEqual(signal('hello bob, over tor'));
    const atAlice = next<Frame>(aliceToBob, 'frame');
    bobFromAlice.send(signal('hello alice'));
    expect(await atAlice).toEqual(signal('hello alice'));
  });

  it("refuses Mallory's forged proof for Alice's address, and Alice's link keeps working", async () => {
    const forger: AuthSigner = { address: alice.key.address, sign: (message) => mallory.sign(message) };
    const lost: unknown[] = [];
    await expect(dialWithRetry(alice, forger, bob, 120_000, lost)).rejects.toMatchObject({ name: 'AuthRefusedError', reason: 'bad-proof' });
    // Every attempt that reached Bob was refused for its proof; attempts lost on the way (a slow machine) may not have.
    const refusal = { reason: 'handshake-failed', error: expect.any(BadAuthProofError) as unknown };
    expect(bob.rejected.length).toBeGreaterThanOrEqual(1);
    expect(bob.rejected.length).toBeLessThanOrEqual(1 + lost.length);
    expect(bob.rejected).toEqual(bob.rejected.map(() => refusal));
    expect(bob.inbound).toHaveLength(1);

    const atBob = next<Frame>(bobFromAlice, 'frame');
    aliceToBob.send(signal('still talking'));
    expect(await atBob).toEqual(signal('still talking'));
  });

  it("lets Bob dial Alice's onion too", async () => {
    const arrived = next<PeerLink>(alice.listener, 'link', 120_000);
    const bobToAlice = await dialWithRetry(bob, bob.key, alice, 120_000);
    expect((await arrived).peer).toBe(bob.key.address);
    bobToAlice.close();
  });
});
