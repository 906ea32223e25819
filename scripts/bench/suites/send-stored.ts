// Bench suite: how long a send takes to answer (the message stored) while the contact's relay is down or black-holing,
// against the same with the relay healthy, in one run on the private tor network; target p99 < 50 ms in every case.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ms } from '../peer-link/latency.js';
import type { Report } from '../report.js';
import { measureSendLatency } from '../send-stored/send-latency.js';
import { benchNetwork } from '../testnet-network.js';

const TARGET_P99_MS = 50;
const WARM_UP = 5;
const COUNT = 100;

const log = (line: string): void => console.log(`  ${line}`);

/** Nearest-rank percentile (`p` in 0–100). */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export async function run(report: Report): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'allium-bench-send-'));
  try {
    const { torrcFile, testnet } = await benchNetwork(log);
    try {
      const env = { ...process.env, ALLIUM_TORRC_EXTRA: torrcFile };
      const samples = await measureSendLatency({ dir, env, warmUp: WARM_UP, count: COUNT, log });
      const healthyP50 = percentile(samples.healthy, 50);
      let met = true;
      for (const [name, times] of [
        ['healthy_relay', samples.healthy],
        ['relay_down', samples.down],
        ['relay_black_hole', samples.blackHole],
      ] as const) {
        const p50 = percentile(times, 50);
        const p99 = percentile(times, 99);
        report(`send.stored_${name}_p50_ms`, ms(p50), 'ms');
        report(`send.stored_${name}_p99_ms`, ms(p99), 'ms');
        if (name !== 'healthy_relay') report(`send.stored_${name}_p50_vs_healthy`, Number((p50 / healthyP50).toFixed(3)), 'x');
        met &&= p99 < TARGET_P99_MS;
        log(`target: send until stored with the ${name.replaceAll('_', ' ')}: p99 ${p99.toFixed(1)} ms < ${String(TARGET_P99_MS)} ms: ${p99 < TARGET_P99_MS ? 'met' : 'NOT met'} (p50 ${p50.toFixed(1)} ms)`);
      }
      report('send.stored_target_met', met ? 1 : 0, 'bool');
    } finally {
      await testnet?.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
