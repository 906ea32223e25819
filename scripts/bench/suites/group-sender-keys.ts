// Bench suite: group messages of 1 KiB encrypted with a sender key and decrypted by another member, per second,
// through GroupSenderKeys (replay guard included) with real libsignal and in-memory stores.
import { makeMember, newGroup, operationBy } from '../../../electron/core/groups/group-test-kit.js';
import type { Report } from '../report.js';

const WARM_UP_MESSAGES = 1000;
const TIMED_MESSAGES = 5000;
const PLAINTEXT = new Uint8Array(1024).fill(0x61);
/** The target: at least this many encrypt + decrypt per second at 1 KiB. */
const TARGET_PER_SECOND = 2000;

export async function run(report: Report): Promise<void> {
  const alice = makeMember('Alice');
  const bob = makeMember('Bob');
  const log = newGroup(alice, 'Bench');
  log.accept(operationBy(alice, log, { kind: 'add', member: bob.card, role: 'member' }));
  const roster = log.roster;
  await bob.senderKeys.processDistribution(roster, alice.address, (await alice.senderKeys.distribution(roster)).message);

  const exchange = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const received = await bob.senderKeys.decrypt(roster, alice.address, await alice.senderKeys.encrypt(roster, PLAINTEXT));
      if (received.plaintext.length !== PLAINTEXT.length) throw new Error(`message ${i} came back with ${received.plaintext.length} bytes`);
    }
  };
  await exchange(WARM_UP_MESSAGES);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await exchange(TIMED_MESSAGES);
  const cpu = process.cpuUsage(cpuBefore);
  const perSecond = Math.round(TIMED_MESSAGES / ((performance.now() - started) / 1000));
  report('groups.sender_key_messages_per_s', perSecond, 'msg/s');
  // Per second of this process's own CPU: what one idle core would do when other processes share the machine.
  report('groups.sender_key_messages_per_cpu_s', Math.round(TIMED_MESSAGES / ((cpu.user + cpu.system) / 1e6)), 'msg/cpu-s');
  report('groups.sender_key_vs_target', perSecond / TARGET_PER_SECOND, 'ratio (≥ 1 meets 2,000/s)');
}
