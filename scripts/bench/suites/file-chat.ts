// Bench suite: text round trips between two whole cores on the private Tor network while a 50 MiB file goes the same
// way, against idle round trips in the same run (target: ≤ 2×), and the file's rate through the app.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uploadBytes } from '../../test/api-upload.js';
import { CorePeer } from '../../test/core-peer.js';
import { waitFor } from '../../test/wait-for.js';
import { ms, summarize } from '../peer-link/latency.js';
import type { Report } from '../report.js';
import { benchNetwork } from '../testnet-network.js';

const FILE_BYTES = 50 * 1024 * 1024;
const IDLE = 8;
const TARGET = 2;
const MINUTE = 60_000;

const log = (line: string): void => console.log(`  ${line}`);

/** A text from `from` until `from` sees it delivered (the receipt is back). */
async function roundTrip(from: CorePeer, to: CorePeer): Promise<number> {
  const start = performance.now();
  const sent = await from.api['messages.send']({ address: to.address, text: 'ping' });
  await waitFor(() => from.events.find((e) => e.name === 'message.updated' && (e.payload as { id?: string; state?: string }).id === sent.id && (e.payload as { state?: string }).state === 'delivered'), {
    what: 'the receipt',
    timeoutMs: 5 * MINUTE,
    intervalMs: 5,
  });
  return performance.now() - start;
}

export async function run(report: Report): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'allium-bench-file-chat-'));
  const { torrcFile, testnet } = await benchNetwork(log);
  const env = { ...process.env, ALLIUM_TORRC_EXTRA: torrcFile };
  const alice = new CorePeer('Alice', join(dir, 'alice'), env);
  const bob = new CorePeer('Bob', join(dir, 'bob'), env);
  try {
    await Promise.all([alice.start(true), bob.start(true)]);
    await Promise.all([alice.waitReachable(), bob.waitReachable()]);
    await alice.befriend(bob);
    await bob.api['settings.update']({ autoAcceptBytes: FILE_BYTES });
    for (let i = 0; i < 2; i += 1) await roundTrip(alice, bob);
    const idle: number[] = [];
    for (let i = 0; i < IDLE; i += 1) idle.push(await roundTrip(alice, bob));

    const upload = await uploadBytes(alice.api, randomBytes(FILE_BYTES));
    const started = performance.now();
    const sent = await alice.api['files.send']({ conversation: bob.address, upload, name: 'bench.bin' });
    const state = async (): Promise<string | undefined> => (await bob.conversation(alice.address)).find((m) => m.id === sent.id)?.file?.state;
    await waitFor(async () => (await state()) === 'receiving', { what: 'the transfer to start', timeoutMs: 5 * MINUTE, intervalMs: 100 });
    const busy: number[] = [];
    while ((await state()) !== 'received') busy.push(await roundTrip(alice, bob));
    const seconds = (performance.now() - started) / 1000;

    const idleP50 = summarize(idle).p50;
    const busyP50 = busy.length === 0 ? idleP50 : summarize(busy).p50;
    report('file_chat.text_rtt_idle_p50_ms', ms(idleP50), 'ms');
    report('file_chat.text_rtt_during_transfer_p50_ms', ms(busyP50), 'ms');
    report('file_chat.text_rtt_during_vs_idle', Number((busyP50 / idleP50).toFixed(3)), 'x');
    report('file_chat.transfer_mib_per_s', Number((FILE_BYTES / 1024 / 1024 / seconds).toFixed(2)), 'MiB/s');
    report('file_chat.target_met', busyP50 / idleP50 <= TARGET ? 1 : 0, 'bool');
    log(`${String(busy.length)} round trips during the transfer; target ≤ ${String(TARGET)}×: ${busyP50 / idleP50 <= TARGET ? 'met' : 'NOT met'} (${(busyP50 / idleP50).toFixed(2)}×)`);
  } finally {
    await Promise.allSettled([alice.core?.stop(), bob.core?.stop()]);
    await testnet?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
