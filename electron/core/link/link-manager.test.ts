// The link manager over real unix sockets: one link per pair when both dial at once, reconnects, bounded dials.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { generateOnionKey, type OnionAddress, type OnionKey } from '../identity/index.js';
import type { ApplicationFrame } from '../protocol/index.js';
import { connectPeer } from './dial-peer.js';
import { NoLinkError } from './errors.js';
import { LinkManager, type LinkManagerEvents } from './link-manager.js';
import { delay, next, openSocket, startListener, TempDir } from './link-test-kit.js';
import type { OnionListener } from './onion-listener.js';

const FAST_BACKOFF = { initialMs: 20, maxMs: 200 };

interface Profile {
  readonly key: OnionKey;
  readonly manager: LinkManager;
  readonly path: string;
  listener?: OnionListener;
  readonly events: string[];
}

describe('link manager', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function setup(): { profile: (key?: OnionKey) => Profile; listen: (profile: Profile) => Promise<void> } {
    const dir = new TempDir();
    cleanups.push(() => dir.remove());
    const paths = new Map<OnionAddress, string>();
    const profile = (key = generateOnionKey()): Profile => {
      const path = dir.file(`${key.address.slice(0, 8)}.sock`);
      paths.set(key.address, path);
      const manager = new LinkManager({
        localAddress: key.address,
        backoff: FAST_BACKOFF,
        dial: async (peer) => connectPeer(await openSocket(paths.get(peer) ?? dir.file('nobody.sock')), { signer: key, peer }),
      });
      const events: string[] = [];
      manager.on('link-up', ({ peer }) => events.push(`up ${peer.slice(0, 4)}`));
      manager.on('link-down', ({ peer }) => events.push(`down ${peer.slice(0, 4)}`));
      cleanups.push(() => manager.close());
      return { key, manager, path, events };
    };
    const listen = async (target: Profile): Promise<void> => {
      const listener = await startListener(target.key, target.path);
      listener.on('link', (link) => target.manager.adopt(link));
      target.listener = listener;
      cleanups.push(() => listener.close());
    };
    return { profile, listen };
  }

  async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
    for (let waited = 0; !condition(); waited += 10) {
      if (waited > timeoutMs) throw new Error('condition not met in time');
      await delay(10);
    }
  }

  it('keeps exactly one link, the one the smaller address dialed, when both dial at once (10 rounds)', async () => {
    for (let round = 0; round < 10; round += 1) {
      const { profile, listen } = setup();
      const alice = profile();
      const bob = profile();
      await Promise.all([listen(alice), listen(bob)]);
      let inbound = 0;
      for (const side of [alice, bob]) side.listener?.on('link', () => (inbound += 1));
      alice.manager.want(bob.key.address);
      bob.manager.want(alice.key.address);
      await until(() => alice.manager.isUp(bob.key.address) && bob.manager.isUp(alice.key.address));
      // Long enough for the losing link's Close { duplicate } to arrive and be acted on.
      await delay(100);
      const smaller = alice.key.address < bob.key.address ? alice.key.address : bob.key.address;
      const aliceLink = alice.manager.linkTo(bob.key.address);
      const bobLink = bob.manager.linkTo(alice.key.address);
      expect(aliceLink?.dialer).toBe(smaller);
      expect(bobLink?.dialer).toBe(smaller);
      expect(aliceLink?.isOpen && bobLink?.isOpen).toBe(true);
      // Both dials completed: there really were two links, and one was dropped on both ends.
      expect(inbound).toBe(2);
      // A side that first kept the losing link hears link-up again for the winner; nobody hears link-down.
      for (const [side, peer] of [
        [alice, bob],
        [bob, alice],
      ] as const) {
        expect(side.events.length).toBeGreaterThanOrEqual(1);
        expect(side.events).toEqual(side.events.map(() => `up ${peer.key.address.slice(0, 4)}`));
      }

      const atBob = next<LinkManagerEvents['frame'][0]>(bob.manager, 'frame');
      const frame: ApplicationFrame = { type: 'contact-request-receipt', status: 'received' };
      alice.manager.send(bob.key.address, frame);
      expect(await atBob).toEqual({ peer: alice.key.address, frame });
      const atAlice = next<LinkManagerEvents['frame'][0]>(alice.manager, 'frame');
      bob.manager.send(alice.key.address, frame);
      expect(await atAlice).toEqual({ peer: bob.key.address, frame });
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    }
  });

  it('announces a newer link from a peer that replaced its old one, so what went out on the old one is sent again', async () => {
    const { profile, listen } = setup();
    const alice = profile();
    const bob = profile();
    await listen(alice);
    bob.manager.want(alice.key.address);
    await until(() => alice.manager.isUp(bob.key.address));
    const old = alice.manager.linkTo(bob.key.address);

    // Bob's end of the old link died without Alice noticing, and Bob dialed again (by hand: his manager stays out of it).
    bob.manager.unwant(alice.key.address);
    const ups: unknown[] = [];
    alice.manager.on('link-up', ({ link }) => ups.push(link));
    const again = await connectPeer(await openSocket(alice.path), { signer: bob.key, peer: alice.key.address });
    cleanups.push(() => again.close());
    await until(() => ups.length === 1);
    expect(ups[0]).toBe(alice.manager.linkTo(bob.key.address));
    expect(ups[0]).not.toBe(old);
    expect(alice.events.filter((event) => event.startsWith('down'))).toEqual([]);
  });

  it('keeps only the newest links from strangers beyond its cap, and never counts a wanted peer as one', async () => {
    const { profile } = setup();
    const bob = profile();
    const capped = new LinkManager({ localAddress: bob.key.address, dial: () => Promise.reject(new Error('no dialing here')), maxStrangerLinks: 3 });
    cleanups.push(() => capped.close());
    const listener = await startListener(bob.key, bob.path);
    cleanups.push(() => listener.close());
    listener.on('link', (link) => capped.adopt(link));
    const friend = generateOnionKey();
    capped.want(friend.address);
    const strangers = Array.from({ length: 5 }, () => generateOnionKey());
    for (const caller of [friend, ...strangers]) {
      const link = await connectPeer(await openSocket(bob.path), { signer: caller, peer: bob.key.address });
      cleanups.push(() => link.close());
      await until(() => capped.isUp(caller.address));
    }
    await until(() => capped.peers.length === 4);
    expect(new Set(capped.peers)).toEqual(new Set([friend.address, ...strangers.slice(2).map((s) => s.address)]));
  });

  it('redials with backoff until the peer listens, and again after the link drops', async () => {
    const { profile, listen } = setup();
    const alice = profile();
    const bob = profile();
    const failures: (number | undefined)[] = [];
    alice.manager.on('dial-failed', ({ retryInMs }) => failures.push(retryInMs));
    alice.manager.want(bob.key.address);
    await until(() => failures.length >= 3);
    expect(failures.every((retry) => retry !== undefined && retry >= 10 && retry <= 200)).toBe(true);
    await listen(bob);
    await until(() => alice.manager.isUp(bob.key.address));
    await until(() => bob.manager.isUp(alice.key.address));

    const down = next<LinkManagerEvents['link-down'][0]>(alice.manager, 'link-down');
    bob.manager.disconnect(alice.key.address);
    expect(await down).toMatchObject({ peer: bob.key.address, cause: { kind: 'remote', reason: 'shutdown' } });
    await until(() => alice.manager.isUp(bob.key.address));
    expect(alice.events).toEqual(['up', 'down', 'up'].map((kind) => `${kind} ${bob.key.address.slice(0, 4)}`));
  });

  it('stops redialing once the peer is unwanted', async () => {
    const { profile } = setup();
    const alice = profile();
    const bob = profile();
    let failures = 0;
    alice.manager.on('dial-failed', () => (failures += 1));
    alice.manager.want(bob.key.address);
    await until(() => failures >= 2);
    alice.manager.unwant(bob.key.address);
    const seen = failures;
    await delay(300);
    expect(failures).toBeLessThanOrEqual(seen + 1);
  });

  it('never runs more than 8 dials at once', async () => {
    const { profile } = setup();
    const alice = profile();
    // A server that accepts and stays silent: every dial waits in its handshake.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    const dir = new TempDir();
    const silentPath = dir.file('silent.sock');
    await new Promise<void>((resolve) => silent.listen(silentPath, resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
      dir.remove();
    });
    let inFlight = 0;
    let maxInFlight = 0;
    let started = 0;
    const manager = new LinkManager({
      localAddress: alice.key.address,
      backoff: FAST_BACKOFF,
      dial: async (peer) => {
        started += 1;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await connectPeer(await openSocket(silentPath), { signer: alice.key, peer, handshakeTimeoutMs: 100 });
        } finally {
          inFlight -= 1;
        }
      },
    });
    cleanups.push(() => manager.close());
    for (let index = 0; index < 20; index += 1) manager.want(generateOnionKey().address);
    expect(manager.dialsInFlight).toBe(8);
    await until(() => started >= 20);
    expect(maxInFlight).toBe(8);
  });

  it('refuses to send without a link, and to link to itself', () => {
    const { profile } = setup();
    const alice = profile();
    const bob = generateOnionKey();
    expect(() => alice.manager.send(bob.address, { type: 'contact-request-receipt', status: 'received' })).toThrow(NoLinkError);
    expect(() => alice.manager.want(alice.key.address)).toThrow(/own address/);
  });
});
