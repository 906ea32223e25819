// Bench suite: a group message to 8 and 50 (and on request 100) members through the in-process messenger kit (real stores, real Signal,
// links faked at the frame level), with its stages, against a 1:1 round trip between the same messengers in the same run.
import type { EventEmitter } from 'node:events';
import { befriendMembers, disposeMember, member, settle, type Member, type MeshLinks } from '../../../electron/core/messaging/groups/group-mesh-kit.js';
import type { MessagingEvents } from '../../../electron/core/messaging/messaging-events.js';
import { ms, summarize } from '../peer-link/latency.js';
import type { Report } from '../report.js';

/**
 * Forming the group costs about N² state writes (every member takes in every other), some 7 minutes at 50 on two busy
 * cores and far longer at 100, so 100 runs only when asked: ALLIUM_BENCH_MESH_SIZES=8,50,100.
 */
const SIZES = (process.env['ALLIUM_BENCH_MESH_SIZES'] ?? '8,50').split(',').map(Number);
const WARM_UP = 2;
const COUNT = 5;

const log = (line: string): void => console.log(`  ${line}`);

/** Resolves at the first event from `m`'s messenger that matches, with its time. */
function next<E extends keyof MessagingEvents>(m: Member, event: E, matches: (payload: MessagingEvents[E]) => boolean): Promise<number> {
  return new Promise((resolve) => {
    const emitter = m.messenger as unknown as EventEmitter;
    const listener = (payload: MessagingEvents[E]): void => {
      if (!matches(payload)) return;
      emitter.off(event, listener);
      resolve(performance.now());
    };
    emitter.on(event, listener);
  });
}

/** A 1:1 text from `from` to `to`: until `to` stored it (one hop) and until `from` has the receipt (round trip). */
async function oneToOne(from: Member, to: Member): Promise<{ hop: number; rtt: number }> {
  const start = performance.now();
  const stored = next(to, 'message.stored', () => true);
  let id = '';
  const delivered = next(from, 'message.progressed', (p) => p.id === id && p.progress.state === 'delivered');
  id = (await from.messenger.sendText(to.address, 'ping')).id;
  return { hop: (await stored) - start, rtt: (await delivered) - start };
}

interface FanOut {
  /** groups.send returned: the message encrypted once, a pairwise copy per member sealed and queued. */
  readonly queued: number;
  readonly firstStored: number;
  readonly lastStored: number;
  /** Time the sender spent in pairwise Signal encryption (one per member), and waiting for its state writes. */
  readonly encrypt: number;
  readonly writes: number;
  readonly writeCount: number;
}

/** Adds up the sender's time in Signal encryption and in state writes (they overlap across members). */
class SenderClock {
  encrypt = 0;
  writes = 0;
  writeCount = 0;

  constructor(sender: Member) {
    const signal = sender.signal;
    const encrypt = signal.encrypt.bind(signal);
    signal.encrypt = async (...args) => {
      const start = performance.now();
      try {
        return await encrypt(...args);
      } finally {
        this.encrypt += performance.now() - start;
      }
    };
    const state = sender.session.state;
    const transact = state.transact.bind(state);
    state.transact = async (...args) => {
      const start = performance.now();
      this.writeCount += 1;
      try {
        await transact(...args);
      } finally {
        this.writes += performance.now() - start;
      }
    };
  }

  reset(): void {
    this.encrypt = this.writes = this.writeCount = 0;
  }
}

async function fanOut(groupId: string, sender: Member, others: readonly Member[], clock: SenderClock): Promise<FanOut> {
  clock.reset();
  const start = performance.now();
  const stored = others.map((m) => next(m, 'group.message.stored', (p) => p.message.text === 'hello all'));
  await sender.messenger.groups.send(groupId, 'hello all');
  const queued = performance.now() - start;
  const times = (await Promise.all(stored)).map((t) => t - start);
  return { queued, firstStored: Math.min(...times), lastStored: Math.max(...times), encrypt: clock.encrypt, writes: clock.writes, writeCount: clock.writeCount };
}

/**
 * The sender's group of `size`: every member its contact, linked with the sender only (members never link each other).
 * The sender's frames to members are held while it admits them all, then go at once: each member takes in the whole
 * roster in one burst instead of reacting to every join one by one (which makes forming a group quadratic in writes).
 */
async function formGroup(size: number): Promise<{ members: Member[]; groupId: string }> {
  const mesh = new Map<string, MeshLinks>();
  const members: Member[] = [];
  for (let i = 0; i < size; i += 1) members.push(await member(`M${String(i)}`, mesh));
  const [sender, ...others] = members as [Member, ...Member[]];
  for (const m of others) m.links.reachable = (peer) => peer === sender.address;
  for (const m of others) await befriendMembers(sender, m);
  const { id } = await sender.messenger.groups.create(`fan-out ${String(size)}`);
  for (const m of others) await sender.messenger.groups.invite(id, m.address);
  await settle();
  for (const m of others) sender.links.hold(m.address);
  for (const m of others) await m.messenger.groups.acceptInvitation(m.messenger.groups.invitations()[0]!.id);
  while (sender.messenger.groups.get(id).members.length < size) await settle();
  for (const m of others) sender.links.release(m.address);
  while (!others.every((m) => m.messenger.groups.get(id).members.length === size) || sender.session.state.outbox().length > 0) await settle();
  return { members, groupId: id };
}

export async function run(report: Report): Promise<void> {
  for (const size of SIZES) {
    const formed = performance.now();
    const { members, groupId } = await formGroup(size);
    try {
      log(`group of ${String(size)} formed in ${((performance.now() - formed) / 1000).toFixed(1)} s`);
      const [sender, ...others] = members as [Member, ...Member[]];
      const clock = new SenderClock(sender);
      for (let i = 0; i < WARM_UP; i += 1) {
        await oneToOne(sender, others[0]!);
        await fanOut(groupId, sender, others, clock);
      }
      const trips: { hop: number; rtt: number }[] = [];
      const fans: FanOut[] = [];
      for (let i = 0; i < COUNT; i += 1) {
        trips.push(await oneToOne(sender, others[0]!));
        fans.push(await fanOut(groupId, sender, others, clock));
      }
      const rtt = summarize(trips.map((t) => t.rtt)).p50;
      const hop = summarize(trips.map((t) => t.hop)).p50;
      const queued = summarize(fans.map((f) => f.queued)).p50;
      const last = summarize(fans.map((f) => f.lastStored)).p50;
      const prefix = `group_fanout_mesh.n${String(size)}`;
      report(`${prefix}.one_to_one_rtt_p50_ms`, ms(rtt), 'ms');
      report(`${prefix}.one_to_one_hop_p50_ms`, ms(hop), 'ms');
      report(`${prefix}.queued_p50_ms`, ms(queued), 'ms');
      report(`${prefix}.queued_per_member_p50_ms`, ms(queued / (size - 1)), 'ms');
      const median = (pick: (f: FanOut) => number): number => summarize(fans.map(pick)).p50;
      report(`${prefix}.encrypt_per_member_p50_ms`, ms(median((f) => f.encrypt) / (size - 1)), 'ms');
      report(`${prefix}.state_writes_p50`, median((f) => f.writeCount), 'count');
      report(`${prefix}.state_write_wait_per_member_p50_ms`, ms(median((f) => f.writes) / (size - 1)), 'ms');
      report(`${prefix}.first_stored_p50_ms`, ms(summarize(fans.map((f) => f.firstStored)).p50), 'ms');
      report(`${prefix}.last_stored_p50_ms`, ms(last), 'ms');
      report(`${prefix}.last_stored_vs_one_to_one_rtt`, Number((last / rtt).toFixed(3)), 'x');
      report(`${prefix}.last_stored_vs_one_hop`, Number((last / hop).toFixed(3)), 'x');
    } finally {
      for (const m of members) await disposeMember(m);
    }
  }
}
