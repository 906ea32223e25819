// A fresh Allium profile in a core: create, unlock, and time until its onion service is published.
import type { Core } from '../../../electron/core/index.js';
import type { StartTiming } from './bare-onion.js';
import { eventAfter } from './core-events.js';
import { BenchFailureError } from './errors.js';

/** Cheap password hashing: unlocking is timed, and the default scrypt cost is a store figure, not a link one. */
export const BENCH_KDF = { name: 'scrypt', logN: 10, r: 8, p: 1 } as const;
const PASSWORD = 'orchid-lantern-91-velvet';
const REACHABLE_TIMEOUT_MS = 180_000;

export interface OpenProfile {
  readonly core: Core;
  readonly address: string;
  /** From the profiles.unlock call to its answer (tor launched, ADD_ONION sent) and to identity `reachable`. */
  readonly timing: StartTiming;
}

export async function openProfile(core: Core, name: string): Promise<OpenProfile> {
  const { id } = await core.handlers['profiles.create']({ label: name, nickname: name, password: PASSWORD });
  const started = performance.now();
  let publishedMs = 0;
  const { at } = await eventAfter(
    core,
    'identity.updated',
    (identity) => identity.reachability === 'reachable',
    async () => {
      await core.handlers['profiles.unlock']({ profileId: id, password: PASSWORD });
      publishedMs = performance.now() - started;
    },
    REACHABLE_TIMEOUT_MS,
    `${name}'s profile to become reachable`,
  );
  const identity = await core.handlers['identity.get']({});
  if (identity.reachability !== 'reachable') throw new BenchFailureError(`${name} reported reachable, then identity.get said ${identity.reachability}`);
  return { core, address: identity.address, timing: { publishedMs, reachableMs: at - started } };
}
