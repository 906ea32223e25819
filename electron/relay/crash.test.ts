// Crash test: the relay is SIGKILLed at random moments during a stream of deposits; every answered deposit survives, once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayClient, generateQueueKey, type QueueKey } from '../core/relay-client/index.js';
import { DATABASE_FILE } from './http/relay-http-server.js';
import { DEFAULT_LIMITS } from './limits.js';
import { bundleLoopbackChild, startLoopbackChild, type LoopbackChild } from './loopback-child-process.js';
import { RelayStore } from './storage/relay-store.js';

const ROUNDS = 50;
const STREAMS = 4;

const dir = mkdtempSync(join(tmpdir(), 'allium-relay-crash-'));
let child: Awaited<ReturnType<typeof bundleLoopbackChild>>;
beforeAll(async () => {
  child = await bundleLoopbackChild('deposits');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  child.remove();
});

const startChild = (): Promise<LoopbackChild> => startLoopbackChild(child.file, dir);

/** Deposits new envelopes on STREAMS parallel streams until stopped; returns those the relay answered. */
function depositStream(client: RelayClient, capability: string, round: number, retry: readonly string[]) {
  const acknowledged: string[] = [];
  const unanswered = new Set<string>();
  let stopped = false;
  let next = 0;
  const deposit = async (id: string): Promise<void> => {
    unanswered.add(id);
    try {
      await client.deposit(capability, id, Buffer.from(id));
      unanswered.delete(id);
      acknowledged.push(id);
    } catch {
      stopped = true;
    }
  };
  const streams = Array.from({ length: STREAMS }, async (_, stream) => {
    // Envelopes left unanswered by the last kill are deposited again first: the relay must not store them twice.
    for (const id of retry.filter((_id, i) => i % STREAMS === stream)) if (!stopped) await deposit(id);
    while (!stopped) await deposit(`round-${String(round).padStart(3, '0')}-${String(next++).padStart(6, '0')}`);
  });
  return { acknowledged, unanswered, failed: () => stopped, done: Promise.all(streams) };
}

function checkDatabase(): string[] {
  const store = RelayStore.open(join(dir, DATABASE_FILE), DEFAULT_LIMITS);
  try {
    expect(store.integrityCheck()).toBe('ok');
    return store.fetch(queueKey.queueId, 0, 1e9, Date.now()).map((m) => m.envelopeId);
  } finally {
    store.close();
  }
}

let queueKey: QueueKey;

describe('relay crash safety', () => {
  it(`keeps every answered deposit, once, through ${String(ROUNDS)} SIGKILLs`, async () => {
    queueKey = generateQueueKey();
    const setup = await startChild();
    const setupClient = new RelayClient({ target: { kind: 'direct', baseUrl: setup.url } });
    await setupClient.createQueue(queueKey);
    const { capability } = await setupClient.createCapability(queueKey);
    setupClient.close();
    await setup.kill();

    const acknowledged = new Set<string>();
    let retry: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const relay = await startChild();
      const client = new RelayClient({ target: { kind: 'direct', baseUrl: relay.url }, timeoutMs: 10_000 });
      const stream = depositStream(client, capability, round, retry);
      // Most rounds die mid-stream, after a first answer; every fifth dies right after starting, retries in flight.
      if (round % 5 !== 0) while (stream.acknowledged.length === 0 && !stream.failed()) await sleep(2);
      await sleep(Math.random() * (round % 5 === 0 ? 20 : 250));
      expect(await relay.kill()).toBe('SIGKILL');
      await stream.done;
      client.close();
      expect(relay.errors()).toBe('');
      for (const id of stream.acknowledged) acknowledged.add(id);
      retry = [...stream.unanswered];

      const held = checkDatabase();
      expect(new Set(held).size).toBe(held.length);
      const heldSet = new Set(held);
      expect([...acknowledged].filter((id) => !heldSet.has(id))).toEqual([]);
    }
    // At least one answered deposit per round (most rounds have many more): the kills did land mid-stream.
    expect(acknowledged.size).toBeGreaterThan(ROUNDS);

    // Afterwards the owner fetches everything: each answered deposit exactly once, then acknowledges it all.
    const last = await startChild();
    const client = new RelayClient({ target: { kind: 'direct', baseUrl: last.url } });
    const fetched: string[] = [];
    for (let after = 0; ; ) {
      const batch = await client.fetch(queueKey, { after, limit: 100 });
      if (batch.length === 0) break;
      fetched.push(...batch.map((m) => Buffer.from(m.envelope).toString()));
      after = batch[batch.length - 1]!.sequence;
    }
    await client.ack(queueKey, Number.MAX_SAFE_INTEGER);
    client.close();
    await last.kill();
    expect(new Set(fetched).size).toBe(fetched.length);
    const fetchedSet = new Set(fetched);
    expect([...acknowledged].filter((id) => !fetchedSet.has(id))).toEqual([]);
    expect(checkDatabase()).toEqual([]);
  }, 300_000);
});
