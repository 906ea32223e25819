// A fresh Allium profile in a core: create, unlock, and time until its onion service is published.
import type { Core } from '../../../electron/core/index.js';
import { eventAfter } from './core-events.js';
import { BenchFailureError } from './errors.js';

/** Cheap password hashing: unlocking is timed, and the default scrypt cost is a store figure, not a link one. */
export const BENCH_KDF = { name: 'scrypt', logN: 10, r: 8, p: 1 } as const;
const PASSWORD = 'orchid-lantern-91-velvet';
const REACHABLE_TIMEOUT_MS = 180_000;

export interface OpenProfile {
  readonly core: Core;
  readonly address: string;
  /** From the profiles.unlock call to the identity.updated event saying `reachable`. */
  readonly reachableMs: number;
}

export async function openProfile(core: Core, name: string): Promise<OpenProfile> {
  const { id } = await core.handlers['profiles.create']({ label: name, nickname: name, password: PASSWORD });
  const started = performance.now();
  const { at } = await eventAfter(
    core,
    'identity.updated',
    (identity) => identity.reachability === 'reachable',
    () => core.handlers['profiles.unlock']({ profileId: id, password: PASSWORD }),
    REACHABLE_TIMEOUT_MS,
    `${name}'s profile to become reachable`,
  );
  const identity = await core.handlers['identity.get']({});
  if (identity.reachability !== 'reachable') throw new BenchFailureError(`${name} reported reachable, then identity.get said ${identity.reachability}`);
  return { core, address: identity.address, reachableMs: at - started };
}
