// Bench suite: Signal encrypt+decrypt per second over an established session, alternating directions so every
// message steps the ratchet (a new DH and SPQR step at each turn), with real libsignal and in-memory records.
import { generateOnionKey } from '../../../electron/core/identity/index.js';
import { InMemorySignalRecordStore, SignalSessions } from '../../../electron/core/signal/index.js';
import type { Report } from '../report.js';

const WARM_UP_MESSAGES = 200;
const TIMED_MESSAGES = 5000;
const PLAINTEXT = new TextEncoder().encode('A message of typical length: a line or two of text, as people write them.');

interface Side {
  readonly address: string;
  readonly sessions: SignalSessions;
}

async function side(): Promise<Side> {
  const onionKey = generateOnionKey();
  return { address: onionKey.address, sessions: await SignalSessions.open({ records: new InMemorySignalRecordStore(), onionKey }) };
}

/** Sends `count` messages, each in the other direction from the one before, and checks every plaintext. */
async function exchange(alice: Side, bob: Side, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
    const received = await to.sessions.decrypt(from.address, await from.sessions.encrypt(to.address, PLAINTEXT));
    if (received.length !== PLAINTEXT.length) throw new Error(`message ${i} came back with ${received.length} bytes`);
  }
}

export async function run(report: Report): Promise<void> {
  const alice = await side();
  const bob = await side();
  await bob.sessions.startSession(alice.address, await alice.sessions.localIdentity());
  // Bob speaks first so the session leaves the prekey stage before timing starts.
  await exchange(bob, alice, WARM_UP_MESSAGES);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await exchange(alice, bob, TIMED_MESSAGES);
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  report('signal.ratchet_messages_per_s', Math.round(TIMED_MESSAGES / seconds), 'msg/s');
  // The same work per second of this process's own CPU time: what one idle core would do, when other processes
  // share the machine and the wall-clock figure measures them too.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  report('signal.ratchet_messages_per_cpu_s', Math.round(TIMED_MESSAGES / cpuSeconds), 'msg/cpu-s');
}
