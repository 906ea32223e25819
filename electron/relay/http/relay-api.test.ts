// The relay's API over real HTTP on 127.0.0.1 with a real SQLite file, driven by the real client and by hostile requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RelayAuthError,
  RelayCapabilityError,
  RelayClient,
  RelayQueueGoneError,
  RelayQuotaError,
  RelayRateLimitError,
  generateQueueKey,
  newEnvelopeId,
  type QueueKey,
} from '../../core/relay-client/index.js';
import { DEPOSITS_PATH, ackPath, messagesPath, queuePath } from '../../shared/relay-protocol/index.js';
import type { RelayLimits } from '../limits.js';
import { startRelayHttp, type RelayHttp } from './relay-http-server.js';

let dir: string;
let relay: RelayHttp;
let client: RelayClient;

async function start(limits: Partial<RelayLimits> = {}, now?: () => number): Promise<void> {
  relay = await startRelayHttp({ dataDir: dir, limits, now });
  client = new RelayClient({ target: { kind: 'direct', baseUrl: relay.url! }, timeoutMs: 20_000 });
}

async function mailbox(): Promise<{ key: QueueKey; capability: string; capabilityId: string }> {
  const key = generateQueueKey();
  await client.createQueue(key);
  const { capability, capabilityId } = await client.createCapability(key);
  return { key, capability, capabilityId };
}

/** A raw request, for what the client would never send. */
async function raw(method: string, path: string, init: { headers?: Record<string, string>; body?: Uint8Array | string } = {}): Promise<{ status: number; json: { error?: string; message?: string } }> {
  const response = await fetch(`${relay.url!}${path}`, { method, headers: init.headers, body: init.body });
  return { status: response.status, json: (await response.json()) as { error?: string; message?: string } };
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'allium-relay-api-'));
});
afterEach(async () => {
  client.close();
  await relay.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('relay API', () => {
  it('carries envelopes from a capability holder to the queue owner, once, until acknowledged', async () => {
    await start({ retentionMs: 7 * 24 * 3_600_000 });
    const { key, capability } = await mailbox();
    expect((await client.createQueue(key)).created).toBe(false);
    const ids = [newEnvelopeId(), newEnvelopeId(), newEnvelopeId()];
    const receipts = [];
    for (const [i, id] of ids.entries()) receipts.push(await client.deposit(capability, id, Buffer.from(`envelope ${String(i)}`)));
    expect(receipts.every((r) => r.stored && r.expiresAt > Date.now() + 6 * 24 * 3_600_000)).toBe(true);
    const repeat = await client.deposit(capability, ids[0]!, Buffer.from('envelope 0'));
    expect(repeat).toEqual({ expiresAt: receipts[0]!.expiresAt, stored: false });

    const batch = await client.fetch(key);
    expect(batch.map((m) => Buffer.from(m.envelope).toString())).toEqual(['envelope 0', 'envelope 1', 'envelope 2']);
    expect(batch.map((m) => m.envelopeId)).toEqual(ids);
    expect(await client.ack(key, batch[1]!.sequence)).toBe(2);
    expect((await client.fetch(key)).map((m) => m.envelopeId)).toEqual([ids[2]]);
    expect(relay.store.stats()).toMatchObject({ queues: 1, messages: 1, bytesHeld: 1_024 });
  });

  it('answers a waiting fetch as soon as a deposit arrives', async () => {
    await start();
    const { key, capability } = await mailbox();
    const waiting = client.fetch(key, { waitSeconds: 25 });
    // The fetch is waiting once the relay counted it; the deposit then wakes it well before 25 s.
    while (relay.activity.fetches.perMinute() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const id = newEnvelopeId();
    await client.deposit(capability, id, Buffer.from('wake up'));
    const batch = await waiting;
    expect(batch.map((m) => m.envelopeId)).toEqual([id]);
  });

  it('refuses queue-owner requests that are unsigned, signed by another key, or stale', async () => {
    let clock = Date.now();
    await start({}, () => clock);
    const { key } = await mailbox();
    expect(await raw('GET', messagesPath(key.queueId))).toMatchObject({ status: 401, json: { error: 'signature-missing' } });
    const stranger = new RelayClient({ target: { kind: 'direct', baseUrl: relay.url! } });
    const impostor = { queueId: key.queueId, seed: generateQueueKey().seed };
    expect(await refusal(stranger.fetch(impostor))).toMatchObject({ relayCode: 'signature-invalid' });
    expect(await refusal(stranger.ack(impostor, 10))).toBeInstanceOf(RelayAuthError);
    stranger.close();
    clock += 10 * 60_000;
    const stale = await refusal(client.fetch(key));
    expect(stale).toBeInstanceOf(RelayAuthError);
    expect((stale as Error).message).toMatch(/clock/);
    expect((await raw('PUT', queuePath('x'.repeat(43)), { headers: { 'x-allium-timestamp': String(clock), 'x-allium-signature': 'A'.repeat(86) } })).json.error).toBe('signature-invalid');
  });

  it('refuses deposits without a valid capability, oversize or unpadded bodies, and malformed requests', async () => {
    await start();
    const { key, capability, capabilityId } = await mailbox();
    const headers = { 'x-allium-envelope-id': newEnvelopeId(), 'content-type': 'application/octet-stream' };
    const padded = new Uint8Array(1_024);
    expect(await raw('POST', DEPOSITS_PATH, { headers, body: padded })).toMatchObject({ status: 401, json: { error: 'capability-missing' } });
    const forged = `${capabilityId}.${'A'.repeat(43)}`;
    expect(await raw('POST', DEPOSITS_PATH, { headers: { ...headers, 'x-allium-capability': forged }, body: padded })).toMatchObject({ status: 403, json: { error: 'capability-invalid' } });
    expect((await raw('POST', DEPOSITS_PATH, { headers: { ...headers, 'x-allium-capability': 'nonsense' }, body: padded })).json.error).toBe('capability-invalid');
    const withCapability = { ...headers, 'x-allium-capability': capability };
    expect(await raw('POST', DEPOSITS_PATH, { headers: withCapability, body: new Uint8Array(1_000) })).toMatchObject({ status: 422, json: { error: 'body-not-padded' } });
    expect(await raw('POST', DEPOSITS_PATH, { headers: withCapability, body: new Uint8Array(300_000) })).toMatchObject({ status: 413, json: { error: 'body-too-large' } });
    expect(await raw('POST', DEPOSITS_PATH, { headers: { ...withCapability, 'x-allium-envelope-id': 'short' }, body: padded })).toMatchObject({ status: 400, json: { error: 'malformed-request' } });
    expect(await raw('GET', '/v1/nowhere')).toMatchObject({ status: 404, json: { error: 'not-found' } });
    expect(await raw('PATCH', DEPOSITS_PATH)).toMatchObject({ status: 405, json: { error: 'method-not-allowed' } });
    expect(await raw('GET', `${messagesPath(key.queueId)}?wait=600`, { headers: {} })).toMatchObject({ status: 401 });

    // A signed acknowledgement whose body is not JSON, and one that is JSON of the wrong shape.
    const { signRequest } = await import('../../core/relay-client/queue-key.js');
    const path = ackPath(key.queueId);
    for (const [body, error] of [
      ['{not json', 'invalid-json'],
      ['{"upTo":"all"}', 'malformed-request'],
    ] as const) {
      const signed = signRequest(key, 'POST', path, Buffer.from(body), Date.now());
      expect(await raw('POST', path, { headers: { ...signed }, body })).toMatchObject({ status: 400, json: { error } });
    }

    // Garbage on the wire gets an HTTP 400 from the server and the relay keeps serving.
    const garbage = await new Promise<string>((resolve) => {
      const socket = connect(relay.listen.kind === 'tcp' ? relay.listen.port : 0, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => resolve(answer));
      socket.write('THIS IS NOT HTTP\r\n\r\n');
    });
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);

    // A revoked capability stops working; the queue's owner is told about a deleted queue by name.
    expect(await client.revokeCapability(key, capabilityId)).toBe(true);
    expect(await refusal(client.deposit(capability, newEnvelopeId(), Buffer.from('late')))).toBeInstanceOf(RelayCapabilityError);
    await client.deleteQueue(key);
    expect(await refusal(client.fetch(key))).toBeInstanceOf(RelayQueueGoneError);
  });

  it('rate-limits 1,000 deposits from one capability while another queue keeps working', async () => {
    await start({ capabilityBurst: 20, capabilityPerSecond: 0.01, queueMaxMessages: 5_000 });
    const flooder = await mailbox();
    const bystander = await mailbox();
    const outcomes = await Promise.all(
      Array.from({ length: 1_000 }, () => client.deposit(flooder.capability, newEnvelopeId(), Buffer.from('flood')).then(() => 'stored', (error: unknown) => error)),
    );
    const stored = outcomes.filter((o) => o === 'stored').length;
    const limited = outcomes.filter((o) => o instanceof RelayRateLimitError);
    expect(stored).toBeGreaterThanOrEqual(20);
    // One token comes back every 100 s: only a very slow machine would see one during the flood.
    expect(stored).toBeLessThanOrEqual(21);
    expect(limited.length).toBe(1_000 - stored);
    expect((limited[0] as RelayRateLimitError).retryAfterMs).toBeGreaterThan(0);

    const id = newEnvelopeId();
    expect((await client.deposit(bystander.capability, id, Buffer.from('still here'))).stored).toBe(true);
    expect((await client.fetch(bystander.key)).map((m) => m.envelopeId)).toEqual([id]);
  });

  it('tells the depositor by name when the mailbox is full', async () => {
    await start({ queueMaxMessages: 2 });
    const { capability } = await mailbox();
    await client.deposit(capability, newEnvelopeId(), Buffer.from('one'));
    await client.deposit(capability, newEnvelopeId(), Buffer.from('two'));
    const full = await refusal(client.deposit(capability, newEnvelopeId(), Buffer.from('three')));
    expect(full).toBeInstanceOf(RelayQuotaError);
    expect((full as RelayQuotaError).code).toBe('relay-quota');
  });
});
