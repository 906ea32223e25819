// Alice and Bob, each a core in its own process under strace, through a whole session: nothing but loopback, no DNS.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findLeaks } from '../../scripts/test/strace/loopback-policy.js';
import { parseSocketTrace, type SocketTrace } from '../../scripts/test/strace/socket-trace.js';
import { startTracedCore, type TracedCore } from '../../scripts/test/traced-core/traced-core.js';
import { waitFor } from '../../scripts/test/wait-for.js';
import type { SessionDto } from '../shared/api/index.js';

const PASSWORD = 'orchid-lantern-91-velvet';
const MINUTE = 60_000;

/** The testnet authorities' OR and directory ports: every tor of the network must reach them. */
function authorityPorts(torrcLines: readonly string[]): Set<number> {
  const ports = new Set<number>();
  for (const line of torrcLines) {
    const m = /^DirAuthority \S+ orport=(\d+) .* 127\.0\.0\.1:(\d+) /.exec(line);
    if (m !== null) ports.add(Number(m[1])).add(Number(m[2]));
  }
  return ports;
}

describe('anonymity: a whole session sends nothing outside loopback and resolves no name', () => {
  const root = mkdtempSync(join(tmpdir(), 'allium-anon-'));
  const env = { ...process.env, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') };
  const sessions = new Map<string, SessionDto>();
  /** every core started, so the clean-up stops those that came up even when the other did not */
  const started: TracedCore[] = [];
  let alice: TracedCore;
  let bob: TracedCore;

  const start = async (name: string): Promise<TracedCore> => {
    const core = await startTracedCore({ name, dataDir: join(root, name), traceFile: join(root, `${name}.strace`), env, startTimeoutMs: 2 * MINUTE });
    started.push(core);
    const { id } = await core.api['profiles.create']({ label: name, nickname: name, password: PASSWORD });
    sessions.set(name, await core.api['profiles.unlock']({ profileId: id, password: PASSWORD }));
    return core;
  };
  const address = (core: TracedCore): string => sessions.get(core.name)!.identity.address;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([start('alice'), start('bob')]);
    await Promise.all(
      [alice, bob].map((core) =>
        waitFor(async () => (await core.api['identity.get']({})).reachability === 'reachable', { what: `${core.name} reachable`, timeoutMs: 3 * MINUTE, intervalMs: 1_000 }),
      ),
    );
  }, 6 * MINUTE);

  afterAll(async () => {
    await Promise.allSettled(started.map((core) => core.stop(MINUTE)));
    rmSync(root, { recursive: true, force: true });
  }, 2 * MINUTE);

  it('Alice asks, Bob accepts', async () => {
    await alice.api['contacts.add']({ address: address(bob), nickname: 'Bob', message: 'Hi Bob, it is Alice' });
    const request = await waitFor(async () => (await bob.api['requests.list']({})).find((r) => r.address === address(alice)), { what: 'Bob to see the request', timeoutMs: 3 * MINUTE, intervalMs: 1_000 });
    await bob.api['requests.accept']({ id: request.id });
    await waitFor(async () => (await alice.api['contacts.list']({})).some((c) => c.address === address(bob) && !c.pending), { what: 'Alice to see the acceptance', timeoutMs: 2 * MINUTE, intervalMs: 1_000 });
  }, 6 * MINUTE);

  it('carries messages both ways to delivered', async () => {
    const sent = await alice.api['messages.send']({ address: address(bob), text: 'hello Bob' });
    const reply = await bob.api['messages.send']({ address: address(alice), text: 'hi Alice' });
    for (const [core, peer, id] of [[alice, bob, sent.id], [bob, alice, reply.id]] as const) {
      await waitFor(async () => (await core.api['conversations.history']({ address: address(peer), limit: 50 })).messages.some((m) => m.id === id && m.state === 'delivered'), {
        what: `${core.name}'s message delivered`,
        timeoutMs: 2 * MINUTE,
        intervalMs: 1_000,
      });
    }
  }, 5 * MINUTE);

  it('carries presence both ways', async () => {
    await bob.api['presence.set']({ status: 'away', text: 'at lunch' });
    await alice.api['presence.set']({ status: 'busy', text: 'writing' });
    for (const [core, peer, status] of [[alice, bob, 'away'], [bob, alice, 'busy']] as const) {
      await waitFor(async () => (await core.api['contacts.list']({})).some((c) => c.address === address(peer) && c.presence?.status === status), {
        what: `${core.name} to see ${peer.name} ${status}`,
        timeoutMs: MINUTE,
        intervalMs: 1_000,
      });
    }
  }, 3 * MINUTE);

  it('recorded every connection attempt of both cores and their tors: loopback and local sockets only, no DNS', async () => {
    await Promise.all([alice.stop(MINUTE), bob.stop(MINUTE)]);
    const authorities = authorityPorts(inject('testnetTorrcLines'));
    const leaks: string[] = [];
    for (const core of [alice, bob]) {
      const trace: SocketTrace = parseSocketTrace(readFileSync(core.traceFile, 'utf8'));
      const tors = trace.programs.filter((p) => p.path.endsWith('/tor')).map((p) => p.pid);
      const torReachedAuthorities = trace.attempts.some(
        (a) => tors.includes(a.pid) && a.syscall === 'connect' && a.destination.family === 'AF_INET' && authorities.has(a.destination.port),
      );
      const byFamily = new Map<string, number>();
      for (const a of trace.attempts) byFamily.set(a.destination.family, (byFamily.get(a.destination.family) ?? 0) + 1);
      const counts = [...byFamily].map(([family, n]) => `${family} ${String(n)}`).join(', ');
      console.log(`[anonymity] ${core.name}: ${String(trace.attempts.length)} attempts recorded (${counts}); tor pid ${tors.join(', ')}`);
      // The trace proves something only if it saw tor's own traffic, not just the core's.
      expect(tors, `${core.name}'s trace shows no tor started`).not.toEqual([]);
      expect(torReachedAuthorities, `${core.name}'s trace shows no connect of tor to the testnet's authorities`).toBe(true);
      leaks.push(...findLeaks(trace).map((leak) => `${core.name}: ${leak.reason}: ${leak.attempt.line}`));
    }
    expect(leaks).toEqual([]);
  }, 4 * MINUTE);
});
