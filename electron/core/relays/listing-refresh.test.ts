// LIST's member counts follow joins and leaves: real messengers, a real relay directory on loopback, timers driven by the test.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOnionKey } from '../identity/index.js';
import { befriendMembers, disposeMember, member, settle, type Member, type MeshLinks } from '../messaging/groups/group-mesh-kit.js';
import { RelayClient } from '../relay-client/index.js';
import { startRelayHttp, type RelayHttp } from '../../relay/index.js';
import { GroupDirectory } from './group-directory.js';
import type { GroupDto } from '../../shared/api/index.js';
import { RelayRateLimitError } from '../relay-client/index.js';
import { ListingRefresh, REFRESH_DEBOUNCE_MS, REFRESH_MAX_WAIT_MS, type RefreshTimers } from './listing-refresh.js';

/** Timers that fire only when the test moves the clock. */
class TestTimers implements RefreshTimers {
  now = 0;
  #next = 0;
  readonly #due = new Map<number, { at: number; run: () => void }>();

  set(run: () => void, ms: number): unknown {
    this.#next += 1;
    this.#due.set(this.#next, { at: this.now + ms, run });
    return this.#next;
  }

  clear(handle: unknown): void {
    this.#due.delete(handle as number);
  }

  /** Moves the clock on by `ms`, firing what falls due on the way, in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const [id, next] = [...this.#due.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (id === undefined || next === undefined) break;
      this.#due.delete(id);
      this.now = next.at;
      next.run();
    }
    this.now = until;
  }

  get waiting(): number {
    return this.#due.size;
  }
}

const RELAY = generateOnionKey().address;

describe('listing refresh', () => {
  let mesh: Map<string, MeshLinks>;
  let alice: Member, bob: Member, carol: Member;
  let dir: string;
  let relay: RelayHttp;
  let client: RelayClient;
  let timers: TestTimers;
  let directory: GroupDirectory;
  const logged: string[] = [];

  beforeEach(async () => {
    mesh = new Map();
    [alice, bob, carol] = (await Promise.all(['Alice', 'Bob', 'Carol'].map((name) => member(name, mesh)))) as [Member, Member, Member];
    await befriendMembers(alice, bob);
    await befriendMembers(alice, carol);
    dir = await mkdtemp(join(tmpdir(), 'allium-listing-'));
    relay = await startRelayHttp({ dataDir: dir });
    client = new RelayClient({ target: { kind: 'direct', baseUrl: relay.url! } });
    await alice.session.state.transact((tx) => tx.relays.put({ address: RELAY, addedAt: new Date().toISOString() }));
    timers = new TestTimers();
    directory = new GroupDirectory({
      state: alice.session.state,
      groups: () => alice.messenger.groups,
      client: () => client,
      onionKey: alice.key,
      log: (line) => logged.push(line),
      now: () => timers.now,
      timers,
    });
    alice.messenger.on('group.changed', ({ group }) => directory.groupChanged(group));
  });

  afterEach(async () => {
    directory.stop();
    client.close();
    for (const m of [alice, bob, carol]) await disposeMember(m);
    await relay.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** The member count the relay serves for "hikers" (undefined when it lists nothing of the name). */
  const served = async (): Promise<number | undefined> => (await client.findGroup('hikers'))?.memberCount;

  /** Waits for the refresh a timer started (it talks to the relay) to be done. */
  async function refreshed(expected: number | undefined): Promise<void> {
    for (let i = 0; i < 50 && (await served()) !== expected; i += 1) await settle();
  }

  async function joins(m: Member, groupId: string): Promise<void> {
    await alice.messenger.groups.invite(groupId, m.address);
    await settle();
    await m.messenger.groups.acceptInvitation(m.messenger.groups.invitations()[0]!.id);
    await settle();
    await settle();
  }

  it('publishes the count again after joins and leaves, once the debounce has passed, and takes the listing down when the owner leaves', async () => {
    const group = await alice.messenger.groups.create('Hikers');
    await directory.publish(group.id, { relay: RELAY, name: 'hikers', description: 'Walks on Sundays', policy: 'open' });
    expect(await served()).toBe(1);

    await joins(bob, group.id);
    await joins(carol, group.id);
    // Nothing goes before the debounce: two joins make one publish.
    expect(await served()).toBe(1);
    timers.advance(REFRESH_DEBOUNCE_MS - 1);
    await settle();
    expect(await served()).toBe(1);
    timers.advance(1);
    await refreshed(3);
    expect(await served()).toBe(3);
    expect((await client.findGroup('hikers'))?.description).toBe('Walks on Sundays');

    await carol.messenger.groups.leave(group.id);
    await settle();
    await settle();
    expect(alice.messenger.groups.get(group.id).members).toHaveLength(2);
    timers.advance(REFRESH_DEBOUNCE_MS);
    await refreshed(2);
    expect(await served()).toBe(2);

    // Messages change the group too, but not its count: nothing is published for them.
    await bob.messenger.groups.send(group.id, 'hello');
    await settle();
    expect(timers.waiting).toBe(0);

    await alice.messenger.groups.leave(group.id);
    await settle();
    timers.advance(0);
    await refreshed(undefined);
    expect(await served()).toBeUndefined();
    expect(alice.messenger.groups.get(group.id).listing).toBeUndefined();
    expect(logged).toEqual([]);
  });

  it('refreshes a group whose roster keeps changing within the longest wait, however often it changes', async () => {
    const group = await alice.messenger.groups.create('Hikers');
    await directory.publish(group.id, { relay: RELAY, name: 'hikers', description: '', policy: 'open' });
    await joins(bob, group.id);
    // Changes every few seconds would push a plain debounce on for ever.
    for (let t = 0; t < REFRESH_MAX_WAIT_MS - 5_000; t += 5_000) {
      timers.advance(5_000);
      directory.groupChanged(alice.messenger.groups.get(group.id));
    }
    expect(await served()).toBe(1);
    timers.advance(5_000);
    await refreshed(2);
    expect(await served()).toBe(2);
  });
});

describe('ListingRefresh against a relay that refuses', () => {
  const group = (members: number): GroupDto =>
    ({
      id: 'g1',
      name: 'Hikers',
      standing: 'member',
      myRole: 'owner',
      members: Array.from({ length: members }, () => ({})),
      listing: { relay: RELAY, name: 'hikers', description: '', policy: 'open' },
    }) as unknown as GroupDto;

  it('waits for the relay’s Retry-After however the roster churns, and for at most 15 minutes if it asks for more', async () => {
    const timers = new TestTimers();
    const calls: number[] = [];
    let refusal: number | undefined = 60_000;
    const refresh = new ListingRefresh({
      refresh: () => {
        calls.push(timers.now);
        if (refusal === undefined) return Promise.resolve(3);
        const error = new RelayRateLimitError('slow down', 'rate-limited', refusal);
        refusal = refusal === 60_000 ? 10 ** 12 : undefined;
        return Promise.reject(error);
      },
      now: () => timers.now,
      timers,
      log: () => undefined,
    });
    refresh.published('g1', 1);
    refresh.changed(group(2));
    timers.advance(REFRESH_DEBOUNCE_MS);
    await settle();
    expect(calls).toEqual([REFRESH_DEBOUNCE_MS]);
    // Joins and leaves every 5 s during the minute the relay asked for publish nothing.
    for (let t = 5_000; t < 60_000; t += 5_000) {
      timers.advance(5_000);
      refresh.changed(group(2 + ((t / 5_000) % 2)));
    }
    await settle();
    expect(calls).toHaveLength(1);
    timers.advance(5_000);
    await settle();
    expect(calls).toEqual([REFRESH_DEBOUNCE_MS, REFRESH_DEBOUNCE_MS + 60_000]);
    // Then it asks for 31 years: we try again after 15 minutes.
    timers.advance(15 * 60_000);
    await settle();
    expect(calls).toEqual([REFRESH_DEBOUNCE_MS, REFRESH_DEBOUNCE_MS + 60_000, REFRESH_DEBOUNCE_MS + 60_000 + 15 * 60_000]);
    expect(timers.waiting).toBe(0);
    refresh.stop();
  });
});
