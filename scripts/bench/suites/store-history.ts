// Bench suite: history append latency, newest-page open time and memory for 1,000 and 1,000,000 messages.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ConversationHistory, DEFAULT_SCRYPT_PARAMS, createProfileStore } from '../../../electron/core/store/index.js';
import type { Report } from '../report.js';
import { BENCH_KDF, BENCH_PASSWORD, benchMessage } from '../store-fixture.js';

const SIZES = [
  { label: '1k', messages: 1_000 },
  { label: '1M', messages: 1_000_000 },
] as const;
const BATCH = 1000;
const WARM_UP_APPENDS = 100;
const TIMED_APPENDS = 3000;
const OPEN_CHILD = join(import.meta.dirname, '..', 'store-open-child.ts');
const execFile$ = promisify(execFile);
const conversationOf = (label: string): string => `bench-${label}.onion`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measureUnlock(root: string, report: Report): Promise<void> {
  const store = createProfileStore({ rootDir: root, kdf: DEFAULT_SCRYPT_PARAMS });
  const { profile } = await store.createProfile({ nickname: 'Bench', password: BENCH_PASSWORD, label: 'unlock' });
  await store.close();
  const started = performance.now();
  await store.unlock(profile.id, BENCH_PASSWORD);
  report('store.unlock.default_scrypt', Math.round(performance.now() - started), 'ms');
  await store.deleteProfile(profile.id, BENCH_PASSWORD);
}

async function build(history: ConversationHistory, size: number): Promise<number> {
  const started = performance.now();
  for (let n = 0; n < size; n += BATCH) {
    await history.appendMany(Array.from({ length: Math.min(BATCH, size - n) }, (_, i) => benchMessage(n + i)));
  }
  return Math.round(size / ((performance.now() - started) / 1000));
}

/** Opens the conversation in a fresh process, so memory reflects opening it, not having built it. */
async function measureOpen(root: string, profileId: string, label: string, report: Report): Promise<void> {
  const { stdout } = await execFile$(process.execPath, ['--import', 'tsx', OPEN_CHILD, root, profileId, conversationOf(label)]);
  const opened = JSON.parse(stdout) as { openMs: number; rssMiB: number; rssDeltaMiB: number };
  report(`store.history.${label}.open_newest_page`, Number(opened.openMs.toFixed(2)), 'ms');
  report(`store.history.${label}.rss_after_open`, Math.round(opened.rssMiB), 'MiB');
  report(`store.history.${label}.rss_growth_on_open`, Number(opened.rssDeltaMiB.toFixed(1)), 'MiB');
}

export async function run(report: Report): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'allium-bench-store-'));
  try {
    await measureUnlock(root, report);
    const store = createProfileStore({ rootDir: root, kdf: BENCH_KDF });
    const created = await store.createProfile({ nickname: 'Bench', password: BENCH_PASSWORD, label: 'history' });
    for (const { label, messages } of SIZES) {
      report(`store.history.${label}.build_rate`, await build(await created.history(conversationOf(label)), messages), 'msg/s');
    }
    await store.close();
    for (const { label } of SIZES) await measureOpen(root, created.profile.id, label, report);

    // Appends alternate between the two conversations, so disk and scheduler noise hit both alike.
    const session = await store.unlock(created.profile.id, BENCH_PASSWORD);
    const histories = await Promise.all(SIZES.map(({ label }) => session.history(conversationOf(label))));
    const latencies = SIZES.map(() => [] as number[]);
    for (let i = 0; i < WARM_UP_APPENDS + TIMED_APPENDS; i += 1) {
      for (const [s, history] of histories.entries()) {
        const started = performance.now();
        await history.append(benchMessage(SIZES[s]!.messages + i));
        if (i >= WARM_UP_APPENDS) latencies[s]!.push(performance.now() - started);
      }
    }
    const p99 = SIZES.map(({ label }, s) => {
      const sorted = latencies[s]!.sort((a, b) => a - b);
      report(`store.history.${label}.append_p50`, Number(percentile(sorted, 50).toFixed(3)), 'ms');
      report(`store.history.${label}.append_p99`, Number(percentile(sorted, 99).toFixed(3)), 'ms');
      return percentile(sorted, 99);
    });
    await store.close();

    const [small, large] = p99 as [number, number];
    const ratio = large / small;
    report('store.history.append_p99_ratio_1M_to_1k', Number(ratio.toFixed(3)), 'x');
    const met = ratio <= 2 && large < 10;
    report('store.history.targets_met', met ? 1 : 0, 'bool');
    console.log(`  targets: p99 ratio ${ratio.toFixed(2)} (≤ 2: ${ratio <= 2 ? 'met' : 'NOT met'}), p99 at 1M ${large.toFixed(2)} ms (< 10 ms: ${large < 10 ? 'met' : 'NOT met'})`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
