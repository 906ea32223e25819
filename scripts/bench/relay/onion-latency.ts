// Relay latency over onions: a message from deposit to a waiting fetch, against a bare HTTP request to an onion.
import { createServer, type Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateOnionKey } from '../../../electron/core/identity/index.js';
import { RelayClient, generateQueueKey, newEnvelopeId, type QueueKey } from '../../../electron/core/relay-client/index.js';
import { RelayTransport } from '../../../electron/core/relay-client/relay-transport.js';
import { createTorRuntime } from '../../../electron/core/tor/index.js';
import { startRelay } from '../../../electron/relay/index.js';
import { within } from '../peer-link/deadline.js';
import { BenchFailureError } from '../peer-link/errors.js';
import { interleavedRoundTrips } from '../peer-link/latency.js';
import { settleAll } from '../peer-link/settle.js';

const REACHABLE_TIMEOUT_MS = 180_000;
const STEP_TIMEOUT_MS = 60_000;
const BODY_BYTES = 900;
/**
 * How long the recipient's fetch has been waiting when the deposit is sent. A deposit sent in the very moment the
 * relay received the fetch arrives tens of ms late over tor (not on loopback); a recipient who is online has
 * usually been waiting for a while, which this models.
 */
const FETCH_WAITING_MS = 250;

export interface RelayTrip {
  /** Deposit sent until the relay's answer. */
  readonly deposit: number;
  /** Deposit sent until the recipient's waiting fetch returned it. */
  readonly delivered: number;
}

export interface BaselineTrip {
  /** A request to the bare onion: another service on the relay's tor, reached over its own circuits. */
  readonly bare: number;
  /** GET /v1/info on the relay's own onion: the same circuit as deposits, without storage or waiting fetch. */
  readonly sameOnion: number;
  /** A deposit while no fetch waits (acknowledged afterwards, untimed). */
  readonly depositAlone: number;
}

export interface OnionLatencySamples {
  readonly baseline: BaselineTrip[];
  readonly relay: RelayTrip[];
}

/** A tiny HTTP server answering every request once its body is read: the bare onion's far end. */
async function startBareServer(path: string): Promise<Server> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

/** Retries until the first request over a fresh onion gets through. */
async function firstAnswer<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + REACHABLE_TIMEOUT_MS;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new BenchFailureError(`${what} did not answer over its onion`, { cause: error });
      await sleep(1_000);
    }
  }
}

/**
 * One relay with its own tor, and beside it on that same tor a bare onion in front of a trivial HTTP server. One
 * client tor reaches both, with the same HTTP stack (RelayTransport through socks-proxy-agent, kept alive).
 */
export async function measureOnionLatency(opts: { dir: string; env: NodeJS.ProcessEnv; warmUp: number; count: number; block: number }): Promise<OnionLatencySamples> {
  await mkdir(opts.dir, { recursive: true, mode: 0o700 });
  const bareServer = await startBareServer(join(opts.dir, 'bare.sock'));
  const relay = await startRelay({ dataDir: join(opts.dir, 'relay'), env: opts.env, limits: { capabilityBurst: 1e9, capabilityPerSecond: 1e9 } });
  const clientTor = createTorRuntime({ torDir: join(opts.dir, 'client'), env: opts.env });
  const closers: (() => unknown)[] = [];
  try {
    const bareKey = generateOnionKey();
    await relay.tor.publish({ key: bareKey, virtualPort: 80, target: { kind: 'unix', path: join(opts.dir, 'bare.sock') } });
    await clientTor.start();
    await Promise.all([
      relay.waitUntilReachable(REACHABLE_TIMEOUT_MS),
      relay.tor.waitForReachable(bareKey.address, REACHABLE_TIMEOUT_MS),
      clientTor.waitForBootstrap(REACHABLE_TIMEOUT_MS),
    ]);
    const socks = clientTor.socks;
    if (socks === undefined) throw new BenchFailureError('the client tor has no SOCKS endpoint');
    const bare = new RelayTransport({ kind: 'onion', address: bareKey.address, socks });
    const alice = new RelayClient({ target: { kind: 'onion', address: relay.onionAddress, socks } });
    const bob = new RelayClient({ target: { kind: 'onion', address: relay.onionAddress, socks } });
    closers.push(() => bare.close(), () => alice.close(), () => bob.close());

    const payload = new Uint8Array(BODY_BYTES);
    const bareRequest = async (): Promise<number> => {
      const started = performance.now();
      const response = await within(bare.send({ method: 'POST', pathAndQuery: '/', headers: {}, body: payload, timeoutMs: STEP_TIMEOUT_MS }), STEP_TIMEOUT_MS, 'a bare onion request');
      if (response.status !== 200) throw new BenchFailureError(`the bare onion answered HTTP ${String(response.status)}`);
      return performance.now() - started;
    };
    await firstAnswer('the bare server', bareRequest);
    await firstAnswer('the relay', () => alice.probe());
    await firstAnswer('the relay', () => bob.probe());
    const queue: QueueKey = generateQueueKey();
    await bob.createQueue(queue);
    const { capability } = await bob.createCapability(queue);

    const relayTrip = async (): Promise<RelayTrip> => {
      const before = relay.counters().fetches;
      const waiting = bob.fetch(queue, { waitSeconds: 25 });
      // Deposit only once the fetch waits at the relay: the figure is the path of a message, not of a fetch.
      while (relay.counters().fetches === before) await sleep(1);
      await sleep(FETCH_WAITING_MS);
      const started = performance.now();
      const receipt = await within(alice.deposit(capability, newEnvelopeId(), payload), STEP_TIMEOUT_MS, 'a deposit');
      const deposited = performance.now();
      const batch = await within(waiting, STEP_TIMEOUT_MS, 'a waiting fetch');
      const delivered = performance.now();
      if (!receipt.stored || batch.length !== 1) throw new BenchFailureError(`expected one new envelope, fetched ${String(batch.length)}`);
      await bob.ack(queue, batch[0]!.sequence);
      return { deposit: deposited - started, delivered: delivered - started };
    };
    const baseline = async (): Promise<BaselineTrip> => {
      const bareMs = await bareRequest();
      const started = performance.now();
      await within(alice.probe(), STEP_TIMEOUT_MS, 'a request for the relay’s info');
      const probed = performance.now();
      await within(alice.deposit(capability, newEnvelopeId(), payload), STEP_TIMEOUT_MS, 'a deposit');
      const deposited = performance.now();
      await bob.ack(queue, Number.MAX_SAFE_INTEGER);
      return { bare: bareMs, sameOnion: probed - started, depositAlone: deposited - probed };
    };
    const trips = await interleavedRoundTrips({ warmUp: opts.warmUp, count: opts.count, block: opts.block, afterBlock: () => Promise.resolve() }, baseline, relayTrip);
    return { baseline: trips.first, relay: trips.second };
  } finally {
    for (const close of closers) close();
    await settleAll('stopping the relay and the tors', [relay.stop(), clientTor.stop(), new Promise<void>((resolve) => bareServer.close(() => resolve()))]);
  }
}
