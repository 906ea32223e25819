// Time to reachable: a fresh bare tor runtime to HS_DESC UPLOADED of its ADD_ONION, against a fresh Allium profile
// from profiles.unlock to identity reachability `reachable`; rounds alternate so network drift hits both alike.
import { join } from 'node:path';
import { createCore } from '../../../electron/core/index.js';
import { generateOnionKey } from '../../../electron/core/identity/index.js';
import { createTorRuntime } from '../../../electron/core/tor/index.js';
import { BENCH_KDF, openProfile } from './allium-profile.js';
import { startPublished, type StartTiming } from './bare-onion.js';

export interface TimeToReachableOptions {
  /** Folder for every fresh tor and profile (removed by the caller). */
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly rounds: number;
  readonly log: (line: string) => void;
}

export interface TimeToReachableResult {
  readonly bare: readonly StartTiming[];
  readonly allium: readonly StartTiming[];
}

async function bareSample(dir: string, env: NodeJS.ProcessEnv): Promise<StartTiming> {
  const runtime = createTorRuntime({ torDir: join(dir, 'tor'), env });
  try {
    // Nothing dials this service, so its target socket need not exist.
    return await startPublished(runtime, generateOnionKey(), join(dir, 'unused.sock'));
  } finally {
    await runtime.stop();
  }
}

async function alliumSample(dir: string, env: NodeJS.ProcessEnv, name: string): Promise<StartTiming> {
  const core = await createCore({ dataDir: dir, env, kdf: BENCH_KDF, log: () => undefined });
  try {
    return (await openProfile(core, name)).timing;
  } finally {
    await core.stop();
  }
}

/** One fresh start at a time, so no start competes with another for the CPU. */
export async function benchTimeToReachable({ dir, env, rounds, log }: TimeToReachableOptions): Promise<TimeToReachableResult> {
  const bare: StartTiming[] = [];
  const allium: StartTiming[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const b = await bareSample(join(dir, `bare-${String(round)}`), env);
    const a = await alliumSample(join(dir, `allium-${String(round)}`), env, `Fresh${String(round)}`);
    bare.push(b);
    allium.push(a);
    log(`time to reachable, round ${String(round)}: bare ${b.reachableMs.toFixed(0)} ms (ADD_ONION at ${b.publishedMs.toFixed(0)}), Allium ${a.reachableMs.toFixed(0)} ms (ADD_ONION at ${a.publishedMs.toFixed(0)})`);
  }
  return { bare, allium };
}
