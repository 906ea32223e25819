// Bench suite: the relay's message path over onions against a bare onion HTTP request (target ≤ 1.5×), and durable
// deposits per second on loopback (target ≥ 500/s).
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ms, summarize } from '../peer-link/latency.js';
import { measureLoopbackThroughput } from '../relay/loopback-throughput.js';
import { measureOnionLatency } from '../relay/onion-latency.js';
import type { Report } from '../report.js';
import { benchNetwork } from '../testnet-network.js';

const LATENCY_TARGET = 1.5;
const THROUGHPUT_TARGET = 500;

const log = (line: string): void => console.log(`  ${line}`);

export async function run(report: Report): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'allium-bench-relay-'));
  try {
    const throughput = await measureLoopbackThroughput({ dataDir: join(dir, 'loopback'), concurrency: 64, warmUp: 300, count: 4_000 });
    report('relay.loopback_durable_deposits_per_s', Math.round(throughput.depositsPerSecond), 'deposits/s');
    // Each deposit waits for a disk sync, shared by the deposits that arrived together: a busy machine shows here.
    log(`load average during the run: ${loadavg()[0]!.toFixed(1)}`);
    const throughputMet = throughput.depositsPerSecond >= THROUGHPUT_TARGET;
    report('relay.loopback_target_met', throughputMet ? 1 : 0, 'bool');
    log(`target: ${throughput.depositsPerSecond.toFixed(0)} durable deposits/s with ${String(throughput.concurrency)} in flight ≥ ${String(THROUGHPUT_TARGET)}: ${throughputMet ? 'met' : 'NOT met'}`);

    const { torrcFile, testnet } = await benchNetwork(log);
    try {
      const env = { ...process.env, ALLIUM_TORRC_EXTRA: torrcFile };
      const samples = await measureOnionLatency({ dir: join(dir, 'onion'), env, warmUp: 10, count: 100, block: 10 });
      const bare = summarize(samples.baseline.map((t) => t.bare));
      const sameOnion = summarize(samples.baseline.map((t) => t.sameOnion));
      const depositAlone = summarize(samples.baseline.map((t) => t.depositAlone));
      const deposit = summarize(samples.relay.map((t) => t.deposit));
      const delivered = summarize(samples.relay.map((t) => t.delivered));
      report('relay.bare_onion_http_p50_ms', ms(bare.p50), 'ms');
      report('relay.bare_onion_http_p95_ms', ms(bare.p95), 'ms');
      report('relay.info_request_same_onion_p50_ms', ms(sameOnion.p50), 'ms');
      report('relay.deposit_alone_rtt_p50_ms', ms(depositAlone.p50), 'ms');
      report('relay.deposit_alone_vs_bare', Number((depositAlone.p50 / bare.p50).toFixed(3)), 'x');
      report('relay.deposit_rtt_p50_ms', ms(deposit.p50), 'ms');
      report('relay.deposit_to_fetched_p50_ms', ms(delivered.p50), 'ms');
      report('relay.deposit_to_fetched_p95_ms', ms(delivered.p95), 'ms');
      report('relay.deposit_rtt_vs_bare', Number((deposit.p50 / bare.p50).toFixed(3)), 'x');
      const ratio = delivered.p50 / bare.p50;
      report('relay.deposit_to_fetched_vs_bare', Number(ratio.toFixed(3)), 'x');
      // The relay's own cost, circuits aside: the same onion and circuit with and without the message path.
      report('relay.deposit_to_fetched_vs_same_onion_request', Number((delivered.p50 / sameOnion.p50).toFixed(3)), 'x');
      report('relay.latency_target_met', ratio <= LATENCY_TARGET ? 1 : 0, 'bool');
      log(
        `target: deposit until fetched p50 ${delivered.p50.toFixed(1)} ms ≤ ${String(LATENCY_TARGET)} × bare onion request p50 ${bare.p50.toFixed(1)} ms: ` +
          `${ratio <= LATENCY_TARGET ? 'met' : 'NOT met'} (${ratio.toFixed(2)}×)`,
      );
    } finally {
      await testnet?.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
