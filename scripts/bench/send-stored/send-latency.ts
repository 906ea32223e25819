// Send-to-stored latency: how long `sendText` takes to answer while the contact is offline and their relay is healthy, gone or black-holing.
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { befriend, dispose, linkDown, party, type Party } from '../../../electron/core/messaging/messenger-test-kit.js';
import type { RelayTarget } from '../../../electron/core/relay-client/index.js';
import { RelayService } from '../../../electron/core/relays/relay-service.js';
import { createTorRuntime, type SocksEndpoint } from '../../../electron/core/tor/index.js';
import { startRelay, type Relay } from '../../../electron/relay/index.js';
import { BenchFailureError } from '../peer-link/errors.js';
import { settleAll } from '../peer-link/settle.js';

const REACHABLE_TIMEOUT_MS = 180_000;

/** Per condition: each send's time from the call until it answered (the message stored), in ms. */
export interface SendLatencySamples {
  readonly healthy: number[];
  readonly down: number[];
  readonly blackHole: number[];
}

/** A TCP server that takes every connection and never answers: a relay that black-holes. */
async function startBlackHole(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new BenchFailureError('the black hole has no port');
  return {
    url: `http://127.0.0.1:${String(address.port)}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new BenchFailureError(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Alice and Bob (real stores and Signal sessions, their link faked at the frame level) are contacts; Bob opens a
 * mailbox for Alice on a relay reached over the private tor network and goes offline. Alice then sends `count`
 * messages one after another, each "leave at the relay", in three conditions: the relay healthy, the relay stopped
 * (its onion gone: tor fails each deposit after its circuit attempts), and a relay address that accepts connections
 * and never answers.
 */
export async function measureSendLatency(opts: { dir: string; env: NodeJS.ProcessEnv; warmUp: number; count: number; log: (line: string) => void }): Promise<SendLatencySamples> {
  const relay: Relay = await startRelay({ dataDir: join(opts.dir, 'relay'), env: opts.env, limits: { capabilityBurst: 1e9, capabilityPerSecond: 1e9 } });
  const clientTor = createTorRuntime({ torDir: join(opts.dir, 'client'), env: opts.env });
  const blackHole = await startBlackHole();
  const parties: Party[] = [];
  const services: RelayService[] = [];
  try {
    await clientTor.start();
    await Promise.all([relay.waitUntilReachable(REACHABLE_TIMEOUT_MS), clientTor.waitForBootstrap(REACHABLE_TIMEOUT_MS)]);
    const socks: SocksEndpoint | undefined = clientTor.socks;
    if (socks === undefined) throw new BenchFailureError('the client tor has no SOCKS endpoint');
    const alice = await party('Alice');
    const bob = await party('Bob');
    parties.push(alice, bob);
    await befriend(alice, bob);

    let aliceTarget: RelayTarget = { kind: 'onion', address: relay.onionAddress, socks };
    const serviceOf = (p: Party, target: () => RelayTarget): RelayService => {
      const service = new RelayService({ state: p.session.state, messenger: p.messenger, targetFor: target, onRelays: () => undefined, log: () => undefined });
      service.start();
      services.push(service);
      return service;
    };
    const bobs = serviceOf(bob, () => ({ kind: 'onion', address: relay.onionAddress, socks }));
    serviceOf(alice, () => aliceTarget);
    for (let attempt = 0; ; attempt++) {
      try {
        await bobs.add(relay.invitation);
        break;
      } catch (error) {
        if (attempt >= 30) throw new BenchFailureError('Bob could not add the relay over tor', { cause: error });
        await sleep(2_000);
      }
    }
    await until('Alice to learn of the mailbox', () => alice.session.state.contact(bob.address)?.theirMailbox?.relay === relay.onionAddress, REACHABLE_TIMEOUT_MS);
    bobs.stop();
    linkDown(alice.links, bob.links);
    opts.log('Alice and Bob are contacts; Bob has a mailbox on the relay and is offline');

    let sent = 0;
    const sends = async (n: number): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        sent += 1;
        const started = performance.now();
        await alice.messenger.sendText(bob.address, `message ${String(sent)}`, 'relay');
        times.push(performance.now() - started);
      }
      return times;
    };
    const heldAll = (): boolean => (alice.events['message.updated'] ?? []).filter((u) => u.state === 'held').length >= sent;
    await sends(opts.warmUp);
    await until('the warm-up messages held by the relay', heldAll, REACHABLE_TIMEOUT_MS);
    const healthy = await sends(opts.count);
    await until('every message held by the relay', heldAll, REACHABLE_TIMEOUT_MS);
    opts.log(`healthy relay: ${String(opts.count)} sends, all held by the relay`);

    aliceTarget = { kind: 'direct', baseUrl: blackHole.url };
    await sends(opts.warmUp);
    const blackHoled = await sends(opts.count);
    opts.log('black-holing relay: sends measured');

    aliceTarget = { kind: 'onion', address: relay.onionAddress, socks };
    await relay.stop();
    await sends(opts.warmUp);
    const down = await sends(opts.count);
    opts.log('relay stopped: sends measured');
    return { healthy, down, blackHole: blackHoled };
  } finally {
    for (const service of services) service.stop();
    await settleAll('stopping the profiles, the relay and the tors', [...parties.map((p) => dispose(p)), relay.stop(), clientTor.stop(), blackHole.close()]);
  }
}
