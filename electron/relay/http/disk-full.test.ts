// A relay whose database cannot grow (SQLite's max_page_count, failing as on a full disk) refuses in words, keeps serving, and recovers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RelayClient, RelayFullError, generateQueueKey, newEnvelopeId } from '../../core/relay-client/index.js';
import { MAX_ENVELOPE_BYTES } from '../../shared/relay-protocol/index.js';
import { startRelayHttp, type RelayHttp } from './relay-http-server.js';

const MIB = 1024 * 1024;

let dir: string;
let relay: RelayHttp;
let client: RelayClient;
const logged: string[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'allium-relay-disk-full-'));
});
afterEach(async () => {
  client.close();
  await relay.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('a relay on a full disk', () => {
  it('refuses deposits and new queues as relay-full, still delivers and acknowledges, and takes deposits again once space is freed', async () => {
    relay = await startRelayHttp({ dataDir: dir, limits: { databaseMaxBytes: 2 * MIB, queueProofBits: 2, capabilityBurst: 1_000 }, log: (line) => logged.push(line) });
    client = new RelayClient({ target: { kind: 'direct', baseUrl: relay.url! }, timeoutMs: 20_000 });
    const key = generateQueueKey();
    await client.createQueue(key);
    const { capability } = await client.createCapability(key);
    const envelope = new Uint8Array(MAX_ENVELOPE_BYTES).fill(7);
    let full: unknown;
    let stored = 0;
    const first = newEnvelopeId();
    while (full === undefined && stored < 20) {
      full = await refusal(client.deposit(capability, stored === 0 ? first : newEnvelopeId(), envelope));
      if (full === undefined) stored += 1;
    }
    expect(full).toBeInstanceOf(RelayFullError);
    expect((full as Error).message).toContain('cannot write to its disk');
    expect(stored).toBeGreaterThanOrEqual(4);
    // Smaller envelopes and queue rows fill what is left of the last pages, then find no room either.
    let small: unknown;
    for (let i = 0; i < 400 && small === undefined; i += 1) small = await refusal(client.deposit(capability, newEnvelopeId(), new Uint8Array(900)));
    expect(small).toBeInstanceOf(RelayFullError);
    let queueRefused: unknown;
    for (let i = 0; i < 100 && queueRefused === undefined; i += 1) queueRefused = await refusal(client.createQueue(generateQueueKey()));
    expect(queueRefused).toBeInstanceOf(RelayFullError);

    // What it holds is still delivered and acknowledged.
    const held = await client.fetch(key);
    expect(held.length).toBeGreaterThan(stored);
    expect(held.slice(0, stored).every((m) => m.envelope.length === MAX_ENVELOPE_BYTES)).toBe(true);
    expect(await client.ack(key, held.at(-1)!.sequence)).toBe(held.length);
    // The receipts took the pages the envelopes freed: a late repeat is still recognised.
    expect((await client.deposit(capability, first, envelope)).stored).toBe(false);
    expect((await client.deposit(capability, newEnvelopeId(), envelope)).stored).toBe(true);
    expect((await client.probe()).service).toBe('allium-relay');
    expect(relay.store.integrityCheck()).toBe('ok');
  });
});
