// Bench suite: on one private Tor network, Allium's message round trip and time to reachable against bare onion
// services (an echo stream, an ADD_ONION), with the target check: round trip ≤ 1.2 × bare + 5 ms.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestnet } from '../../testnet.js';
import { openAlliumPair, type MessageRoundTrip } from '../peer-link/allium-pair.js';
import { openBareEcho, type StartTiming } from '../peer-link/bare-onion.js';
import { DurableWriteProbe } from '../peer-link/durable-write.js';
import { interleavedRoundTrips, ms, summarize } from '../peer-link/latency.js';
import { settleAll } from '../peer-link/settle.js';
import { benchTimeToReachable, type TimeToReachableResult } from '../peer-link/time-to-reachable.js';
import type { Report } from '../report.js';

const WARM_UP = 20;
const ROUND_TRIPS = 200;
const BLOCK = 20;
const PAYLOAD_BYTES = 64;
const TARGET_FACTOR = 1.2;
const TARGET_SLACK_MS = 5;
const REACHABLE_ROUNDS = 3;
const DURABLE_WRITES_PER_BLOCK = 5;

const log = (line: string): void => console.log(`  ${line}`);

/** Where the Allium round trip goes, as medians of each stage (the stages of one message add up to its round trip). */
function reportBreakdown(trips: readonly MessageRoundTrip[], report: Report): void {
  const stage = (name: string, spans: number[]): void => report(`allium.rtt_stage.${name}_p50_ms`, ms(summarize(spans).p50), 'ms');
  stage('send_to_link', trips.map((t) => t.sent));
  stage('link_to_receiver_stored', trips.map((t) => t.received - t.sent));
  stage('receiver_stored_to_delivered', trips.map((t) => t.delivered - t.received));
}

function reportRoundTrips(bareTrips: readonly number[], alliumTrips: readonly MessageRoundTrip[], report: Report): void {
  const bareRtt = summarize(bareTrips);
  const alliumRtt = summarize(alliumTrips.map((t) => t.delivered));
  report('bare.onion_echo_rtt_p50_ms', ms(bareRtt.p50), 'ms');
  report('bare.onion_echo_rtt_p95_ms', ms(bareRtt.p95), 'ms');
  report('allium.message_rtt_p50_ms', ms(alliumRtt.p50), 'ms');
  report('allium.message_rtt_p95_ms', ms(alliumRtt.p95), 'ms');
  reportBreakdown(alliumTrips, report);
  report('allium.rtt_p50_vs_bare', Number((alliumRtt.p50 / bareRtt.p50).toFixed(3)), 'x');
  const target = TARGET_FACTOR * bareRtt.p50 + TARGET_SLACK_MS;
  const met = alliumRtt.p50 <= target;
  report('allium.rtt_target_ms', ms(target), 'ms');
  report('allium.rtt_target_met', met ? 1 : 0, 'bool');
  log(
    `target: Allium round trip p50 ${alliumRtt.p50.toFixed(2)} ms ≤ ${String(TARGET_FACTOR)} × bare p50 ${bareRtt.p50.toFixed(2)} ms + ${String(TARGET_SLACK_MS)} ms = ${target.toFixed(2)} ms: ${met ? 'met' : 'NOT met'}` +
      ` (p95: ${alliumRtt.p95.toFixed(2)} ms against ${(TARGET_FACTOR * bareRtt.p95 + TARGET_SLACK_MS).toFixed(2)} ms)`,
  );
}

/** Medians of the alternating fresh starts: one slow descriptor upload should not decide the figure. */
function reportTimeToReachable({ bare, allium }: TimeToReachableResult, report: Report): void {
  const median = (timings: readonly StartTiming[], key: keyof StartTiming): number => summarize(timings.map((t) => t[key])).p50;
  report('bare.time_to_reachable_ms', Math.round(median(bare, 'reachableMs')), 'ms');
  report('allium.time_to_reachable_ms', Math.round(median(allium, 'reachableMs')), 'ms');
  report('allium.time_to_reachable_vs_bare', Number((median(allium, 'reachableMs') / median(bare, 'reachableMs')).toFixed(3)), 'x');
  // Where a difference comes from: before ADD_ONION it is ours (store, Signal keys, tor launch); after it, tor's.
  report('bare.start_to_add_onion_ms', Math.round(median(bare, 'publishedMs')), 'ms');
  report('allium.unlock_to_add_onion_ms', Math.round(median(allium, 'publishedMs')), 'ms');
}

/** Both links stay open while their round trips alternate in blocks; then both are closed before anything else runs. */
async function measureRoundTrips(dir: string, env: NodeJS.ProcessEnv, report: Report): Promise<void> {
  const [bare, allium] = await Promise.allSettled([
    openBareEcho({ dir: join(dir, 'bare'), env, payloadBytes: PAYLOAD_BYTES }),
    openAlliumPair({ dir: join(dir, 'allium'), env, textLength: PAYLOAD_BYTES }),
  ]);
  const disk = new DurableWriteProbe(join(dir, 'disk'));
  try {
    if (bare.status === 'rejected') throw bare.reason;
    if (allium.status === 'rejected') throw allium.reason;
    log('bare echo stream open; Alice and Bob are contacts');
    const trips = await interleavedRoundTrips(
      { warmUp: WARM_UP, count: ROUND_TRIPS, block: BLOCK, afterBlock: () => disk.sample(DURABLE_WRITES_PER_BLOCK) },
      bare.value.roundTrip,
      allium.value.roundTrip,
    );
    report('disk.durable_10k_replace_p50_ms', ms(summarize(disk.samples).p50), 'ms');
    reportRoundTrips(trips.first, trips.second, report);
  } finally {
    await settleAll('closing the links', [disk.close(), ...[bare, allium].flatMap((opened) => (opened.status === 'fulfilled' ? [opened.value.close()] : []))]);
  }
}

export async function run(report: Report): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'allium-bench-link-'));
  try {
    const testnet = await startTestnet({ log: (line) => log(`[testnet] ${line}`) });
    try {
      const env = { ...process.env, ALLIUM_TORRC_EXTRA: testnet.clientTorrcFile };
      await measureRoundTrips(dir, env, report);
      const reachable = await benchTimeToReachable({ dir: join(dir, 'reachable'), env, rounds: REACHABLE_ROUNDS, log });
      reportTimeToReachable(reachable, report);
    } finally {
      await testnet.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
