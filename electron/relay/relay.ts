// A whole relay: its store and API, its own supervised tor publishing the onion, and the operator's status page.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { canUseUnixSocket } from '../core/tor/torrc.js';
import { createTorRuntime, type TorRuntime } from '../core/tor/index.js';
import { relayInvitation } from '../shared/relay-protocol/index.js';
import type { OnionAddress } from '../shared/onion-address/index.js';
import { startRelayHttp, type RelayHttp, type RelayListen } from './http/relay-http-server.js';
import type { RelayLimits } from './limits.js';
import { readServiceAddress, relayServiceTorrcLines, type IntroDefense } from './relay-onion.js';
import { relayStatus, startStatusServer, type RelayStatus, type StatusServer } from './status-server.js';

export interface RelayOptions {
  /** The relay's folder: database, onion key, tor's data. Created with mode 700. */
  readonly dataDir: string;
  readonly limits?: Partial<RelayLimits>;
  readonly introDefense?: IntroDefense;
  /** Port of the status page on 127.0.0.1; 0 (the default) picks a free one. */
  readonly statusPort?: number;
  /** Environment for finding tor and ALLIUM_TORRC_EXTRA (the private test network); defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Folder of bundled tor builds, as for the app. */
  readonly resourcesDir?: string;
  readonly log?: (line: string) => void;
}

export interface Relay {
  readonly onionAddress: OnionAddress;
  /** `allium-relay:<address>.onion`, what the operator hands out. */
  readonly invitation: string;
  /** `http://127.0.0.1:<port>/status`. */
  readonly statusUrl: string;
  readonly tor: TorRuntime;
  status(): RelayStatus;
  /** Deposits and fetches received since start (a fetch is counted before it waits), for tests and benchmarks. */
  counters(): { readonly deposits: number; readonly fetches: number };
  /** Resolves once tor reports the onion's descriptor uploaded. */
  waitUntilReachable(timeoutMs: number): Promise<void>;
  /** Stops tor, the servers and the database. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the relay; resolves once its address is known and tor runs (publishing goes on; see waitUntilReachable). */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const socketPath = join(options.dataDir, 'relay-http.sock');
  const listen: RelayListen = canUseUnixSocket(socketPath) ? { kind: 'unix', path: socketPath } : { kind: 'tcp', port: 0 };
  const serviceDir = join(options.dataDir, 'onion-service');
  let http: RelayHttp | undefined;
  let tor: TorRuntime | undefined;
  let statusServer: StatusServer | undefined;
  const stopAll = async (): Promise<void> => {
    await tor?.stop();
    await statusServer?.stop();
    await http?.stop();
  };
  try {
    http = await startRelayHttp({ dataDir: options.dataDir, limits: options.limits, listen });
    const running = http;
    tor = createTorRuntime({
      torDir: join(options.dataDir, 'tor'),
      env: options.env,
      resourcesDir: options.resourcesDir,
      settingsTorrcLines: relayServiceTorrcLines(serviceDir, running.listen, options.introDefense),
    });
    if (options.log !== undefined) {
      const log = options.log;
      tor.on('log', (line) => log(`tor: ${line}`));
    }
    await tor.start();
    const onionAddress = await readServiceAddress(serviceDir, 60_000);
    tor.watchDeclaredService(onionAddress);
    statusServer = await startStatusServer(options.statusPort ?? 0, () => relayStatus(running.store, running.activity));
    const runtime = tor;
    let stopping: Promise<void> | undefined;
    return {
      onionAddress,
      invitation: relayInvitation(onionAddress),
      statusUrl: statusServer.url,
      tor: runtime,
      status: () => relayStatus(running.store, running.activity),
      counters: () => ({ deposits: running.activity.deposits.total, fetches: running.activity.fetches.total }),
      waitUntilReachable: (timeoutMs) => runtime.waitForReachable(onionAddress, timeoutMs),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
