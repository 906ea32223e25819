// Bench suite: a group message from sending until the last of its members stored it, for groups of 2, 4 and 8 whole
// cores on the private Tor network, with its stages, against a 1:1 message in the same run: its round trip (target
// at 8: ≤ 2×) and its one hop (sent until the receiver stored it). All cores run in this one process, so the members'
// work on a message (decrypt, store, receipt) is done one after another: the spread from the first member stored to
// the last grows by about one receiver's work per member, which a 1:1 round trip (two cores) does not pay.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorePeer } from '../../test/core-peer.js';
import { waitFor } from '../../test/wait-for.js';
import { ms, summarize } from '../peer-link/latency.js';
import type { Report } from '../report.js';
import { benchNetwork } from '../testnet-network.js';

const SIZES = [2, 4, 8] as const;
const WARM_UP = 2;
const COUNT = 5;
const TARGET = 2;
const MINUTE = 60_000;

const log = (line: string): void => console.log(`  ${line}`);

/** When `peer` emitted the first event named `name` whose payload matches, waiting for it if need be. */
function eventAt(peer: CorePeer, name: 'message.received' | 'message.updated', matches: (payload: Record<string, unknown>) => boolean): Promise<number> {
  return waitFor(() => peer.events.find((e) => e.name === name && matches(e.payload as Record<string, unknown>))?.at, {
    what: `${peer.name}'s ${name}`,
    timeoutMs: 5 * MINUTE,
    intervalMs: 5,
  });
}

/** A 1:1 message from `from`: until `to` stored it (one hop) and until `from` sees it delivered (the round trip). */
async function oneToOne(from: CorePeer, to: CorePeer): Promise<{ hop: number; rtt: number }> {
  const start = performance.now();
  const sent = await from.api['messages.send']({ address: to.address, text: 'ping' });
  const [stored, delivered] = await Promise.all([
    eventAt(to, 'message.received', (p) => p['id'] === sent.id),
    eventAt(from, 'message.updated', (p) => p['id'] === sent.id && p['state'] === 'delivered'),
  ]);
  return { hop: stored - start, rtt: delivered - start };
}

/** Stages of one group message, in ms from the groups.send call. */
interface FanOut {
  /** groups.send answered: encrypted once with the sender key, then one pairwise copy per member sealed and queued. */
  readonly queued: number;
  /** The first member stored it; the median member; the last. */
  readonly firstStored: number;
  readonly medianStored: number;
  readonly lastStored: number;
  /** The sender heard every member's receipt. */
  readonly allDelivered: number;
}

/** A group message from the first member until the last of the others stored it, and every receipt came back. */
async function fanOut(groupId: string, members: readonly CorePeer[]): Promise<FanOut> {
  const [sender, ...others] = members;
  const start = performance.now();
  const sent = await sender!.api['groups.send']({ group: groupId, text: 'hello all' });
  const queued = performance.now() - start;
  const [stored, delivered] = await Promise.all([
    Promise.all(others.map((peer) => eventAt(peer, 'message.received', (p) => p['id'] === sent.id))),
    eventAt(sender!, 'message.updated', (p) => p['id'] === sent.id && ((p['delivery'] as { delivered: number } | undefined)?.delivered ?? 0) >= others.length),
  ]);
  const times = stored.map((t) => t - start).sort((a, b) => a - b);
  return { queued, firstStored: times[0]!, medianStored: times[Math.floor(times.length / 2)]!, lastStored: times.at(-1)!, allDelivered: delivered - start };
}

/** A group of the first `size` peers: the first creates it, the others join by its link; resolves once all see everyone. */
async function formGroup(peers: readonly CorePeer[], size: number): Promise<string> {
  const [owner, ...joiners] = peers.slice(0, size);
  const { id } = await owner!.api['groups.create']({ name: `fan-out ${String(size)}` });
  const { link } = await owner!.api['groups.inviteLink']({ group: id });
  for (const peer of joiners) await peer.api['groups.joinByLink']({ link });
  await Promise.all(peers.slice(0, size).map((peer) => peer.waitMembers(id, size, 10 * MINUTE)));
  return id;
}

export async function run(report: Report): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'allium-bench-group-fanout-'));
  const { torrcFile, testnet } = await benchNetwork(log);
  const env = { ...process.env, ALLIUM_TORRC_EXTRA: torrcFile };
  const peers = Array.from({ length: Math.max(...SIZES) }, (_, i) => new CorePeer(`P${String(i + 1)}`, join(dir, `p${String(i + 1)}`), env));
  try {
    await Promise.all(peers.map((p) => p.start(true)));
    await Promise.all(peers.map((p) => p.waitReachable()));
    await peers[0]!.befriend(peers[1]!);
    for (let i = 0; i < WARM_UP; i += 1) await oneToOne(peers[0]!, peers[1]!);
    const trips: { hop: number; rtt: number }[] = [];
    const fanOuts = new Map<number, FanOut[]>();
    for (const size of SIZES) {
      const formed = performance.now();
      const groupId = await formGroup(peers, size);
      log(`group of ${String(size)} formed in ${((performance.now() - formed) / 1000).toFixed(1)} s`);
      const members = peers.slice(0, size);
      for (let i = 0; i < WARM_UP; i += 1) await fanOut(groupId, members);
      // Alternating, so load from elsewhere on the machine falls on both alike.
      const samples: FanOut[] = [];
      for (let i = 0; i < COUNT; i += 1) {
        trips.push(await oneToOne(peers[0]!, peers[1]!));
        samples.push(await fanOut(groupId, members));
      }
      fanOuts.set(size, samples);
    }
    const rtt = summarize(trips.map((t) => t.rtt)).p50;
    const hop = summarize(trips.map((t) => t.hop)).p50;
    report('group_fanout.one_to_one_rtt_p50_ms', ms(rtt), 'ms');
    report('group_fanout.one_to_one_hop_p50_ms', ms(hop), 'ms');
    for (const size of SIZES) {
      const samples = fanOuts.get(size)!;
      const median = (pick: (f: FanOut) => number): number => summarize(samples.map(pick)).p50;
      const prefix = `group_fanout.n${String(size)}`;
      report(`${prefix}.queued_p50_ms`, ms(median((f) => f.queued)), 'ms');
      report(`${prefix}.queued_per_member_p50_ms`, ms(median((f) => f.queued) / (size - 1)), 'ms');
      report(`${prefix}.first_stored_p50_ms`, ms(median((f) => f.firstStored)), 'ms');
      report(`${prefix}.median_stored_p50_ms`, ms(median((f) => f.medianStored)), 'ms');
      const last = summarize(samples.map((f) => f.lastStored));
      report(`${prefix}.last_stored_p50_ms`, ms(last.p50), 'ms');
      report(`${prefix}.last_stored_p95_ms`, ms(last.p95), 'ms');
      report(`${prefix}.all_delivered_p50_ms`, ms(median((f) => f.allDelivered)), 'ms');
      report(`${prefix}.vs_one_to_one_rtt`, Number((last.p50 / rtt).toFixed(3)), 'x');
      report(`${prefix}.vs_one_hop`, Number((last.p50 / hop).toFixed(3)), 'x');
    }
    const ratio = summarize(fanOuts.get(8)!.map((f) => f.lastStored)).p50 / rtt;
    report('group_fanout.target_met', ratio <= TARGET ? 1 : 0, 'bool');
    log(`target: the last of 8 members stored it within ${String(TARGET)} × a 1:1 round trip: ${ratio <= TARGET ? 'met' : 'NOT met'} (${ratio.toFixed(2)}×)`);
  } finally {
    await Promise.allSettled(peers.map((p) => p.core?.stop()));
    await testnet?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
