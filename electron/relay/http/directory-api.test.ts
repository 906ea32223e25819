// The public group directory over real HTTP on 127.0.0.1 with a real SQLite file, driven by the real client and by hostile requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOnionKey, type OnionKey } from '../../core/identity/index.js';
import {
  RelayAuthError,
  RelayClient,
  RelayFailedError,
  RelayNameTakenError,
  RelayQuotaError,
  RelayRateLimitError,
  signListing,
  signUnlisting,
  type GroupListingDraft,
} from '../../core/relay-client/index.js';
import { DIRECTORY_PATH, directoryPath } from '../../shared/relay-protocol/index.js';
import type { RelayLimits } from '../limits.js';
import { startRelayHttp, type RelayHttp } from './relay-http-server.js';

let dir: string;
let relay: RelayHttp;
let client: RelayClient;
let clock: number;

async function start(limits: Partial<RelayLimits> = {}): Promise<void> {
  clock = Date.now();
  relay = await startRelayHttp({ dataDir: dir, limits, now: () => clock });
  client = new RelayClient({ target: { kind: 'direct', baseUrl: relay.url! }, timeoutMs: 20_000, now: () => clock });
}

const group = (name: string, change: Partial<GroupListingDraft> = {}): GroupListingDraft => ({
  name,
  groupId: '0123456789abcdef0123456789abcdef',
  description: `All about ${name}.`,
  memberCount: 3,
  policy: 'open',
  invitation: `allium-group:${name}-link`,
  ...change,
});

/** A raw request, for what the client would never send. */
async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; json: { error?: string; message?: string } }> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${relay.url!}${path}`, { method, headers: { 'content-type': 'application/json' }, body: text });
  return { status: response.status, json: (await response.json()) as { error?: string; message?: string } };
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

let alice: OnionKey;
let bob: OnionKey;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'allium-relay-directory-api-'));
  alice = generateOnionKey();
  bob = generateOnionKey();
});
afterEach(async () => {
  client.close();
  await relay.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('relay directory API', () => {
  it('registers, lists, finds, updates and takes down a group', async () => {
    await start();
    expect(await client.listGroups()).toEqual([]);
    expect(await client.findGroup('chess')).toBeUndefined();
    const published = await client.publishGroup(alice, group('chess'));
    expect(published.created).toBe(true);
    expect(published.expiresAt).toBe(clock + 30 * 24 * 3_600_000);
    await client.publishGroup(bob, group('go', { policy: 'ask' }));
    expect((await client.listGroups()).map((l) => [l.name, l.owner, l.memberCount])).toEqual([
      ['chess', alice.address, 3],
      ['go', bob.address, 3],
    ]);
    // An update in the same millisecond still goes through: the client keeps its times increasing.
    expect((await client.publishGroup(alice, group('chess', { memberCount: 4 }))).created).toBe(false);
    expect(await client.findGroup('chess')).toMatchObject({ name: 'chess', owner: alice.address, memberCount: 4, policy: 'open', invitation: 'allium-group:chess-link' });
    expect(await client.unpublishGroup(alice, 'chess')).toBe(true);
    expect(await client.findGroup('chess')).toBeUndefined();
    expect(await client.unpublishGroup(alice, 'chess')).toBe(false);
    expect((await client.listGroups()).map((l) => l.name)).toEqual(['go']);
  });

  it('refuses another owner the name, whether to take it over or to take it down', async () => {
    await start();
    await client.publishGroup(alice, group('chess'));
    const takeover = await refusal(client.publishGroup(bob, group('chess', { description: 'Mine now.' })));
    expect(takeover).toBeInstanceOf(RelayNameTakenError);
    expect((takeover as RelayNameTakenError).code).toBe('relay-name-taken');
    expect(await raw('PUT', directoryPath('chess'), signListing(bob, { ...group('chess'), updatedAt: clock }))).toMatchObject({
      status: 409,
      json: { error: 'name-taken', message: expect.stringMatching(/taken/) as unknown },
    });
    expect(await refusal(client.unpublishGroup(bob, 'chess'))).toBeInstanceOf(RelayNameTakenError);
    expect(await raw('DELETE', directoryPath('chess'), signUnlisting(bob, 'chess', clock))).toMatchObject({ status: 403, json: { error: 'not-listing-owner' } });
    expect((await client.findGroup('chess'))?.owner).toBe(alice.address);
  });

  it('refuses malformed, mislabelled, forged, stale, replayed and oversized requests with their reasons', async () => {
    await start();
    const signed = signListing(alice, { ...group('chess'), updatedAt: clock });
    expect(await raw('PUT', directoryPath('chess'), '{not json')).toMatchObject({ status: 400, json: { error: 'invalid-json' } });
    expect(await raw('PUT', directoryPath('chess'), { listing: {} })).toMatchObject({ status: 400, json: { error: 'malformed-request' } });
    expect(await raw('PUT', directoryPath('chess'), { ...signed, listing: { ...signed.listing, memberCount: 0 } })).toMatchObject({ status: 400, json: { error: 'malformed-request' } });
    expect(await raw('PUT', directoryPath('go'), signed)).toMatchObject({ status: 400, json: { error: 'malformed-request', message: expect.stringMatching(/must be equal/) as unknown } });
    expect(await raw('PUT', directoryPath('Chess'), signed)).toMatchObject({ status: 400, json: { error: 'malformed-request' } });
    expect(await raw('PUT', `${DIRECTORY_PATH}/chess/extra`, signed)).toMatchObject({ status: 404, json: { error: 'not-found' } });
    expect(await raw('PUT', directoryPath('chess'), { ...signed, listing: { ...signed.listing, memberCount: 9_999 } })).toMatchObject({ status: 401, json: { error: 'signature-invalid' } });
    expect(await raw('PUT', directoryPath('chess'), { ...signed, padding: 'x'.repeat(10_000) })).toMatchObject({ status: 413, json: { error: 'body-too-large' } });
    const old = signListing(alice, { ...group('chess'), updatedAt: clock - 10 * 60_000 });
    expect(await raw('PUT', directoryPath('chess'), old)).toMatchObject({ status: 401, json: { error: 'signature-stale' } });
    expect(await raw('GET', directoryPath('chess'))).toMatchObject({ status: 404, json: { error: 'listing-not-found' } });
    expect(await raw('PATCH', directoryPath('chess'))).toMatchObject({ status: 405, json: { error: 'method-not-allowed' } });

    expect(await raw('PUT', directoryPath('chess'), signed)).toMatchObject({ status: 201 });
    expect(await raw('PUT', directoryPath('chess'), signed)).toMatchObject({ status: 409, json: { error: 'listing-outdated' } });
    expect(await raw('DELETE', directoryPath('chess'), signUnlisting(alice, 'chess', clock - 1))).toMatchObject({ status: 409, json: { error: 'listing-outdated' } });
    const removal = signUnlisting(alice, 'chess', clock);
    expect(await raw('DELETE', directoryPath('chess'), { ...removal, unlisting: { ...removal.unlisting, at: clock + 1 } })).toMatchObject({ status: 401, json: { error: 'signature-invalid' } });
    expect(await raw('DELETE', directoryPath('chess'), removal)).toMatchObject({ status: 200, json: { removed: true } });
    // Whoever kept the signed listing cannot put it back after its owner took it down.
    expect(await raw('PUT', directoryPath('chess'), signed)).toMatchObject({ status: 409, json: { error: 'listing-outdated' } });
    expect(await refusal(client.findGroup('Not A Name'))).toMatchObject({ reason: 'malformed' });
  });

  it('tells the owner to check the clock when its listing is far from the relay time', async () => {
    await start();
    const early = await refusal(client.publishGroup(alice, group('chess', { updatedAt: clock + 60 * 60_000 })));
    expect(early).toBeInstanceOf(RelayAuthError);
    expect((early as Error).message).toMatch(/clock/);
  });

  it('rate-limits registrations per owner while other owners keep registering, and in all', async () => {
    await start({ directoryOwnerBurst: 3, directoryOwnerPerSecond: 0.001, directoryGlobalBurst: 5, directoryGlobalPerSecond: 0.001 });
    for (const name of ['a1', 'a2', 'a3']) await client.publishGroup(alice, group(name));
    const limited = await refusal(client.publishGroup(alice, group('a4')));
    expect(limited).toBeInstanceOf(RelayRateLimitError);
    expect((limited as RelayRateLimitError).retryAfterMs).toBe(1_000_000);
    expect(await raw('PUT', directoryPath('a4'), signListing(alice, { ...group('a4'), updatedAt: clock }))).toMatchObject({ status: 429, json: { error: 'rate-limited' } });
    for (const name of ['b1', 'b2']) await client.publishGroup(bob, group(name));
    // The relay's own bucket is empty now: a third owner is refused too.
    const carol = generateOnionKey();
    expect(await raw('PUT', directoryPath('c1'), signListing(carol, { ...group('c1'), updatedAt: clock }))).toMatchObject({
      status: 429,
      json: { error: 'rate-limited', message: expect.stringMatching(/this relay/i) as unknown },
    });
    expect((await client.listGroups()).map((l) => l.name)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
  });

  it('caps the directory and each owner with specific refusals', async () => {
    await start({ directoryMaxListings: 3, directoryMaxPerOwner: 2 });
    await client.publishGroup(alice, group('a1'));
    await client.publishGroup(alice, group('a2'));
    const perOwner = await refusal(client.publishGroup(alice, group('a3')));
    expect(perOwner).toBeInstanceOf(RelayQuotaError);
    expect(perOwner).toMatchObject({ relayCode: 'too-many-listings' });
    await client.publishGroup(bob, group('b1'));
    expect(await refusal(client.publishGroup(bob, group('b2')))).toMatchObject({ code: 'relay-quota', relayCode: 'directory-full' });
    expect(await raw('PUT', directoryPath('b2'), signListing(bob, { ...group('b2'), updatedAt: clock }))).toMatchObject({ status: 507, json: { error: 'directory-full' } });
  });

  it('drops listings not refreshed for the retention', async () => {
    await start({ directoryRetentionMs: 24 * 3_600_000 });
    await client.publishGroup(alice, group('chess'));
    clock += 12 * 3_600_000;
    await client.publishGroup(bob, group('go'));
    clock += 13 * 3_600_000;
    expect((await client.listGroups()).map((l) => l.name)).toEqual(['go']);
    expect(await client.findGroup('chess')).toBeUndefined();
  });

  it('has the client drop a listing the relay serves without its owner signature', async () => {
    await start();
    await client.publishGroup(alice, group('chess'));
    const genuine = signListing(bob, { ...group('go'), updatedAt: clock });
    const forged = JSON.stringify({ ...genuine, listing: { ...genuine.listing, memberCount: 500 } });
    relay.store.directory.publish({ name: 'go', owner: bob.address, updatedAt: clock, signed: forged }, clock);
    expect((await client.listGroups()).map((l) => l.name)).toEqual(['chess']);
    expect(await refusal(client.findGroup('go'))).toBeInstanceOf(RelayFailedError);
  });
});
