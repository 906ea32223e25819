// LIST over several relays: what answered is shown, a relay that failed is named with why, and all failing is an error in words.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/index.js';
import { generateOnionKey, type OnionAddress } from '../identity/index.js';
import { disposeMember, member, type Member, type MeshLinks } from '../messaging/groups/group-mesh-kit.js';
import { RelayClient } from '../relay-client/index.js';
import { startRelayHttp, type RelayHttp } from '../../relay/index.js';
import { GroupDirectory } from './group-directory.js';

const UP = generateOnionKey().address;
const DOWN = generateOnionKey().address;

describe('GroupDirectory.list', () => {
  let alice: Member;
  let dir: string;
  let relay: RelayHttp;
  const clients = new Map<string, RelayClient>();
  let directory: GroupDirectory;

  beforeEach(async () => {
    alice = await member('Alice', new Map<string, MeshLinks>());
    dir = await mkdtemp(join(tmpdir(), 'allium-directory-'));
    relay = await startRelayHttp({ dataDir: dir });
    clients.set(UP, new RelayClient({ target: { kind: 'direct', baseUrl: relay.url! } }));
    // Nothing listens on port 1: the relay is down.
    clients.set(DOWN, new RelayClient({ target: { kind: 'direct', baseUrl: 'http://127.0.0.1:1' }, timeoutMs: 5_000 }));
    directory = new GroupDirectory({
      state: alice.session.state,
      groups: () => alice.messenger.groups,
      client: (address: OnionAddress) => clients.get(address),
      onionKey: alice.key,
      log: () => undefined,
    });
    const other = generateOnionKey();
    await clients.get(UP)!.publishGroup(other, { name: 'chess', groupId: 'ab'.repeat(16), description: '', memberCount: 7, policy: 'open', invitation: 'allium:group?x' });
  });

  afterEach(async () => {
    directory.stop();
    for (const client of clients.values()) client.close();
    await disposeMember(alice);
    await relay.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const addRelays = (...addresses: string[]): Promise<void> =>
    alice.session.state.transact((tx) => {
      for (const address of addresses) tx.relays.put({ address, addedAt: new Date().toISOString() });
    });

  it('shows what the relay that answered lists, and names the one that failed with why', async () => {
    await addRelays(UP, DOWN);
    const listed = await directory.list();
    expect(listed.groups.map((g) => [g.relay, g.name, g.memberCount])).toEqual([[UP, 'chess', 7]]);
    expect(listed.failed).toEqual([{ relay: DOWN, code: 'relay-unreachable', message: 'The relay 127.0.0.1 could not be reached: tor or the relay is not running.' }]);
  });

  it('is an error in words, not an empty directory, when no relay answers', async () => {
    await addRelays(DOWN);
    const failure = await directory.list().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({
      code: 'relay-unreachable',
      message: 'The public groups could not be listed: The relay 127.0.0.1 could not be reached: tor or the relay is not running.',
    });
  });

  it('lists nothing, and no failure, without relays', async () => {
    expect(await directory.list()).toEqual({ groups: [], failed: [] });
  });
});
