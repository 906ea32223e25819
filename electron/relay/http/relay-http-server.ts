// The relay without tor: its stores, API and HTTP server on a unix socket or a loopback port, and the retention sweep.
import { createServer, type Server } from 'node:http';
import { mkdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_LIMITS, type RelayLimits } from '../limits.js';
import { BlobStore } from '../storage/blob-store.js';
import { RelayStore } from '../storage/relay-store.js';
import { MinuteCounter, type RelayActivity } from './activity.js';
import { RelayApi } from './relay-api.js';

/** How often expired envelopes and blobs are deleted. */
const SWEEP_INTERVAL_MS = 60_000;
/** Longer than the longest long-poll, so a waiting fetch is never cut off by the server. */
const REQUEST_TIMEOUT_MS = 60_000;

export type RelayListen = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp'; readonly port: number };

export interface RelayHttpOptions {
  /** Folder of the relay's database (created, mode 700). */
  readonly dataDir: string;
  readonly limits?: Partial<RelayLimits>;
  /** Where the API listens; tor forwards the onion's streams here. Defaults to a free loopback port. */
  readonly listen?: RelayListen;
  readonly now?: () => number;
  /** How often the sweep runs (default a minute). */
  readonly sweepEveryMs?: number;
  /** Where the relay tells its operator what went wrong in the background; defaults to stderr. */
  readonly log?: (line: string) => void;
}

/** A relay's API serving over plain HTTP; stop() closes it and the database. */
export interface RelayHttp {
  readonly store: RelayStore;
  readonly blobs: BlobStore;
  readonly activity: RelayActivity;
  readonly listen: RelayListen;
  /** `http://127.0.0.1:<port>` for a loopback listener. */
  readonly url: string | undefined;
  stop(): Promise<void>;
}

export const DATABASE_FILE = 'relay.sqlite';
/** The folder of blob files, in the data dir. */
export const BLOBS_DIR = 'blobs';

export async function startRelayHttp(options: RelayHttpOptions): Promise<RelayHttp> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const store = RelayStore.open(join(options.dataDir, DATABASE_FILE), limits);
  let blobs: BlobStore;
  try {
    blobs = await BlobStore.open(join(options.dataDir, DATABASE_FILE), join(options.dataDir, BLOBS_DIR), limits);
  } catch (error) {
    store.close();
    throw error;
  }
  const activity: RelayActivity = { deposits: new MinuteCounter(now), fetches: new MinuteCounter(now) };
  const api = new RelayApi({ store, blobs, limits, activity, now });
  const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: 20_000, maxHeaderSize: 8_192 }, api.handle);
  const log = options.log ?? ((line: string) => console.error(line));
  const said = (error: unknown): string => (error instanceof Error ? error.message : String(error));
  // One sweep at a time; it never throws or rejects: a failure (a full disk, a locked database) is told, the relay
  // keeps serving (refusing what it cannot write as relay-full), and the next sweep tries again.
  let sweeping: Promise<void> = Promise.resolve();
  const sweep = (): void => {
    try {
      store.sweep(now());
    } catch (error) {
      log(`The relay could not delete expired envelopes and queues (it goes on and tries again): ${said(error)}`);
    }
    sweeping = sweeping.then(() =>
      blobs.sweep(now()).then(
        () => undefined,
        (error: unknown) => log(`The relay could not delete expired blobs (it goes on and tries again): ${said(error)}`),
      ),
    );
  };
  sweep();
  const sweeper = setInterval(sweep, options.sweepEveryMs ?? SWEEP_INTERVAL_MS);
  sweeper.unref();
  const closeStores = async (): Promise<void> => {
    clearInterval(sweeper);
    await sweeping;
    blobs.close();
    store.close();
  };
  let listen: RelayListen;
  try {
    listen = await listenOn(server, options.listen ?? { kind: 'tcp', port: 0 });
  } catch (error) {
    await closeStores();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    store,
    blobs,
    activity,
    listen,
    url: listen.kind === 'tcp' ? `http://127.0.0.1:${String(listen.port)}` : undefined,
    stop: () =>
      (stopping ??= (async () => {
        api.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await closeStores();
      })()),
  };
}

async function listenOn(server: Server, listen: RelayListen): Promise<RelayListen> {
  if (listen.kind === 'unix') await rm(listen.path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const ready = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (listen.kind === 'unix') server.listen(listen.path, ready);
    else server.listen(listen.port, '127.0.0.1', ready);
  });
  return listen.kind === 'unix' ? listen : { kind: 'tcp', port: (server.address() as AddressInfo).port };
}
