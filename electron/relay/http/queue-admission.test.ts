// What a new queue costs over real HTTP: a proof of work that rises with load, a cap on unused queues, their expiry, capability rates.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RelayClient, RelayRateLimitError, generateQueueKey, type QueueKey } from '../../core/relay-client/index.js';
import { signRequest } from '../../core/relay-client/queue-key.js';
import { solveProof } from '../../core/relay-client/queue-proof.js';
import { HEADER_PROOF_BITS, HEADER_PROOF_CHALLENGE, queuePath } from '../../shared/relay-protocol/index.js';
import type { RelayLimits } from '../limits.js';
import { proofHolds } from './queue-admission.js';
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

interface Answer {
  readonly status: number;
  readonly error: string | undefined;
  readonly challenge: string | null;
  readonly bits: number;
}

/** A signed PUT of the queue, with the body given. */
async function put(key: QueueKey, body: unknown = undefined): Promise<Answer> {
  const path = queuePath(key.queueId);
  const bytes = body === undefined ? new Uint8Array() : Buffer.from(JSON.stringify(body));
  const response = await fetch(`${relay.url!}${path}`, { method: 'PUT', headers: { ...signRequest(key, 'PUT', path, bytes, clock) }, body: bytes });
  const json = (await response.json()) as { error?: string };
  return { status: response.status, error: json.error, challenge: response.headers.get(HEADER_PROOF_CHALLENGE), bits: Number(response.headers.get(HEADER_PROOF_BITS)) };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'allium-relay-admission-'));
});
afterEach(async () => {
  client.close();
  await relay.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('queue admission', () => {
  it('creates a queue only for a solved challenge of this relay, for this queue, still live', async () => {
    await start({ queueProofBits: 8 });
    const key = generateQueueKey();
    const asked = await put(key);
    expect(asked).toMatchObject({ status: 428, error: 'proof-required', bits: 8 });
    const challenge = asked.challenge!;
    // A nonce that does not solve it, a challenge issued for another queue, a forged one, an expired one.
    expect(await put(key, { proof: { challenge, nonce: '0'.repeat(15) + 'x' } })).toMatchObject({ status: 400, error: 'malformed-request' });
    let wrong = 0n;
    while (proofHolds(challenge, key.queueId, wrong.toString(16).padStart(16, '0'), 8)) wrong += 1n;
    expect(await put(key, { proof: { challenge, nonce: wrong.toString(16).padStart(16, '0') } })).toMatchObject({ status: 428 });
    const other = generateQueueKey();
    const foreign = (await put(other)).challenge!;
    expect(await put(key, { proof: { challenge: foreign, nonce: await solveProof(foreign, other.queueId, 8) } })).toMatchObject({ status: 428 });
    const forged = Buffer.from(challenge, 'base64url');
    forged[6] = 0;
    const forgedText = forged.toString('base64url');
    expect(await put(key, { proof: { challenge: forgedText, nonce: await solveProof(forgedText, key.queueId, 0) } })).toMatchObject({ status: 428 });
    const nonce = await solveProof(challenge, key.queueId, 8);
    clock += 11 * 60_000;
    expect(await put(key, { proof: { challenge, nonce } })).toMatchObject({ status: 428 });
    clock -= 11 * 60_000;
    expect(await put(key, { proof: { challenge, nonce } })).toMatchObject({ status: 201 });
    // A queue that exists needs no proof: today's clients keep working for it.
    expect(await put(key)).toMatchObject({ status: 200 });
    expect(relay.store.stats().queues).toBe(1);
  });

  it('asks one more bit for each doubling of queues created lately, and the client solves whatever it is asked', async () => {
    await start({ queueProofBits: 4, queueProofLoad: 2 });
    expect((await put(generateQueueKey())).bits).toBe(4);
    for (let i = 0; i < 8; i += 1) expect((await client.createQueue(generateQueueKey())).created).toBe(true);
    // 8 created in 10 minutes, 4 times the load: two bits more.
    expect((await put(generateQueueKey())).bits).toBe(6);
    clock += 11 * 60_000;
    expect((await put(generateQueueKey())).bits).toBe(4);
  });

  it('holds few queues nobody used, deletes them soon, and keeps those in use', async () => {
    await start({ queueProofBits: 2, queueMaxUnused: 3 });
    const [empty, withCapability, used] = [generateQueueKey(), generateQueueKey(), generateQueueKey()];
    for (const key of [empty, withCapability, used]) await client.createQueue(key);
    const refused = await client.createQueue(generateQueueKey()).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(RelayRateLimitError);
    expect((refused as Error).message).toContain('nobody has used yet');
    await client.createCapability(withCapability);
    await client.createCapability(used);
    await client.fetch(used);
    expect((await client.createQueue(generateQueueKey())).created).toBe(true);

    // An hour on, the queue without a capability is gone; a week on, the one nobody fetched from or deposited in.
    clock += 3_600_000 + 1;
    relay.store.sweep(clock);
    expect(relay.store.queueKey(empty.queueId)).toBeUndefined();
    expect(relay.store.queueKey(withCapability.queueId)).toBeDefined();
    clock += 7 * 24 * 3_600_000;
    relay.store.sweep(clock);
    expect(relay.store.queueKey(withCapability.queueId)).toBeUndefined();
    expect(relay.store.queueKey(used.queueId)).toBeDefined();
  });

  it('rate-limits capabilities per queue', async () => {
    await start({ queueProofBits: 2, capabilityCreateBurst: 3, capabilityCreatePerSecond: 0.001 });
    const key = generateQueueKey();
    await client.createQueue(key);
    for (let i = 0; i < 3; i += 1) await client.createCapability(key);
    const refused = await client.createCapability(key).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(RelayRateLimitError);
    const other = generateQueueKey();
    await client.createQueue(other);
    expect((await client.createCapability(other)).capability).toContain('.');
  });
});
