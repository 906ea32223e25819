// Time to reachable: a fresh bare tor runtime to HS_DESC UPLOADED of its ADD_ONION, against a fresh Allium profile
// from profiles.unlock to identity reachability `reachable`; rounds alternate so network drift hits both alike.
import { join } from 'node:path';
import { createCore } from '../../../electron/core/index.js';
import { generateOnionKey } from '../../../electron/core/identity/index.js';
import { createTorRuntime } from '../../../electron/core/tor/index.js';
import { BENCH_KDF, openProfile } from './allium-profile.js';
import { startPublished } from './bare-onion.js';

export interface TimeToReachableOptions {
  /** Folder for every fresh tor and profile (removed by the caller). */
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly rounds: number;
  readonly log: (line: string) => void;
}

export interface TimeToReachableResult {
  readonly bareMs: readonly number[];
  readonly alliumMs: readonly number[];
}

async function bareSample(dir: string, env: NodeJS.ProcessEnv): Promise<number> {
  const runtime = createTorRuntime({ torDir: join(dir, 'tor'), env });
  try {
    // Nothing dials this service, so its target socket need not exist.
    return await startPublished(runtime, generateOnionKey(), join(dir, 'unused.sock'));
  } finally {
    await runtime.stop();
  }
}

async function alliumSample(dir: string, env: NodeJS.ProcessEnv, name: string): Promise<number> {
  const core = await createCore({ dataDir: dir, env, kdf: BENCH_KDF, log: () => undefined });
  try {
    return (await openProfile(core, name)).reachableMs;
  } finally {
    await core.stop();
  }
}

/** One fresh start at a time, so no start competes with another for the CPU. */
export async function benchTimeToReachable({ dir, env, rounds, log }: TimeToReachableOptions): Promise<TimeToReachableResult> {
  const bareMs: number[] = [];
  const alliumMs: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    bareMs.push(await bareSample(join(dir, `bare-${String(round)}`), env));
    alliumMs.push(await alliumSample(join(dir, `allium-${String(round)}`), env, `Fresh${String(round)}`));
    log(`time to reachable, round ${String(round)}: bare ${bareMs.at(-1)?.toFixed(0) ?? '?'} ms, Allium ${alliumMs.at(-1)?.toFixed(0) ?? '?'} ms`);
  }
  return { bareMs, alliumMs };
}
