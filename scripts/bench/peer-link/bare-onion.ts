// The baseline: two bare Allium tor runtimes, an onion service in front of an echo server, timed through SOCKS.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generateOnionKey, type OnionKey } from '../../../electron/core/identity/index.js';
import { dialOnion } from '../../../electron/core/link/socks-dialer.js';
import { createTorRuntime, type TorRuntime } from '../../../electron/core/tor/index.js';
import { within } from './deadline.js';
import { EchoClient, closeServer, startEchoServer } from './echo.js';
import { BenchFailureError } from './errors.js';
import { settleAll } from './settle.js';

const VIRTUAL_PORT = 9878;
const REACHABLE_TIMEOUT_MS = 180_000;
const DIAL_TIMEOUT_MS = 120_000;
const ROUND_TRIP_TIMEOUT_MS = 30_000;

export interface BareEchoOptions {
  /** Folder for both tors and the echo socket (removed by the caller). */
  readonly dir: string;
  /** Environment with ALLIUM_TORRC_EXTRA naming the testnet's client lines. */
  readonly env: NodeJS.ProcessEnv;
  readonly payloadBytes: number;
}

/** An open echo stream through two tors; close() stops both. */
export interface BareEcho {
  /** One request/response of the payload; resolves with its round trip in ms. */
  readonly roundTrip: () => Promise<number>;
  readonly close: () => Promise<void>;
}

/** How long a fresh start took: to the ADD_ONION reply (the profile's own work and tor's launch), and to the upload. */
export interface StartTiming {
  readonly publishedMs: number;
  readonly reachableMs: number;
}

/**
 * Starts a fresh runtime and publishes a service the way a profile does (ADD_ONION as soon as the control port
 * is ours, not after bootstrap), and times it until tor reports the descriptor uploaded.
 */
export async function startPublished(runtime: TorRuntime, key: OnionKey, socketPath: string): Promise<StartTiming> {
  const started = performance.now();
  await runtime.start();
  await runtime.publish({ key, virtualPort: VIRTUAL_PORT, target: { kind: 'unix', path: socketPath } });
  const publishedMs = performance.now() - started;
  await runtime.waitForReachable(key.address, REACHABLE_TIMEOUT_MS);
  return { publishedMs, reachableMs: performance.now() - started };
}

/** Dials until tor finds the fresh descriptor: the first fetch can fail on a young network. */
async function dialWithRetry(runtime: TorRuntime, address: string): Promise<EchoClient> {
  const deadline = Date.now() + DIAL_TIMEOUT_MS;
  for (;;) {
    const socks = runtime.socks;
    if (socks === undefined) throw new BenchFailureError('the dialing tor has no SOCKS endpoint');
    try {
      return new EchoClient(await dialOnion(socks, address, VIRTUAL_PORT, { timeoutMs: DIAL_TIMEOUT_MS }));
    } catch (error) {
      if (Date.now() > deadline) throw new BenchFailureError(`could not dial ${address}.onion within ${String(DIAL_TIMEOUT_MS)} ms`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/** Publishes the echo service on one tor and dials it from the other. */
export async function openBareEcho({ dir, env, payloadBytes }: BareEchoOptions): Promise<BareEcho> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const echoPath = join(dir, 'echo.sock');
  const server = await startEchoServer(echoPath);
  const serverTor = createTorRuntime({ torDir: join(dir, 'server'), env });
  const clientTor = createTorRuntime({ torDir: join(dir, 'client'), env });
  const serverKey = generateOnionKey();
  let client: EchoClient | undefined;
  const close = async (): Promise<void> => {
    client?.close();
    await settleAll('stopping the bare tors', [serverTor.stop(), clientTor.stop(), closeServer(server)]);
  };
  try {
    await Promise.all([startPublished(serverTor, serverKey, echoPath), clientTor.start()]);
    await clientTor.waitForBootstrap(REACHABLE_TIMEOUT_MS);
    const echo = await dialWithRetry(clientTor, serverKey.address);
    client = echo;
    const payload = randomBytes(payloadBytes);
    return { roundTrip: () => within(echo.roundTrip(payload), ROUND_TRIP_TIMEOUT_MS, 'a bare echo round trip'), close };
  } catch (error) {
    await close();
    throw error;
  }
}
