// Crash test of blobs: the relay is SIGKILLed again and again mid-upload; every acknowledged chunk survives and the upload resumes.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayClient, generateQueueKey } from '../core/relay-client/index.js';
import { DATABASE_FILE } from './http/relay-http-server.js';
import { DEFAULT_LIMITS } from './limits.js';
import { bundleLoopbackChild, startLoopbackChild, type LoopbackChild } from './loopback-child-process.js';
import { RelayStore } from './storage/relay-store.js';

const ROUNDS = 12;
const MIB = 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'allium-relay-blob-crash-'));
let child: Awaited<ReturnType<typeof bundleLoopbackChild>>;
beforeAll(async () => {
  child = await bundleLoopbackChild('blobs');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  child.remove();
});

const startChild = (): Promise<LoopbackChild> => startLoopbackChild(child.file, dir);
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function integrity(): string {
  const store = RelayStore.open(join(dir, DATABASE_FILE), DEFAULT_LIMITS);
  try {
    return store.integrityCheck();
  } finally {
    store.close();
  }
}

describe('relay blob crash safety', () => {
  it(`keeps every acknowledged chunk through ${String(ROUNDS)} SIGKILLs mid-upload, and the upload resumes to the same bytes`, async () => {
    const key = generateQueueKey();
    const bytes = randomBytes(40 * MIB);
    const setup = await startChild();
    const setupClient = new RelayClient({ target: { kind: 'direct', baseUrl: setup.url } });
    await setupClient.createQueue(key);
    const { blobId, capability } = await setupClient.createBlob(key, bytes.length);
    setupClient.close();
    await setup.kill();

    let acknowledged = 0;
    /** Where each round found the upload: partway, most of the time. */
    const resumedAt: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const relay = await startChild();
      const client = new RelayClient({ target: { kind: 'direct', baseUrl: relay.url }, timeoutMs: 10_000 });
      // Every acknowledged chunk of the rounds before is still there.
      const { received } = await client.blobStatus(key, blobId);
      expect(received).toBeGreaterThanOrEqual(acknowledged);
      resumedAt.push(received);
      let answeredThisRound = 0;
      const upload = client
        .uploadBlob(key, blobId, (from) => [bytes.subarray(from)], {
          onProgress: (bytesHeld) => {
            acknowledged = bytesHeld;
            answeredThisRound += 1;
          },
        })
        .then(
          () => 'complete',
          () => 'cut',
        );
      // Most rounds die after a first answered chunk; every fourth dies with its first chunk in flight.
      if (round % 4 !== 0) while (answeredThisRound === 0 && acknowledged < bytes.length) await sleep(2);
      await sleep(Math.random() * (round % 4 === 0 ? 20 : 150));
      expect(await relay.kill()).toBe('SIGKILL');
      const outcome = await upload;
      client.close();
      expect(relay.errors()).toBe('');
      expect(integrity()).toBe('ok');
      if (outcome === 'complete') break;
    }
    // The kills did land mid-upload: several rounds resumed a partial blob.
    expect(resumedAt.filter((at) => at > 0 && at < bytes.length).length).toBeGreaterThanOrEqual(3);

    const last = await startChild();
    const client = new RelayClient({ target: { kind: 'direct', baseUrl: last.url } });
    expect((await client.blobStatus(key, blobId)).received).toBeGreaterThanOrEqual(acknowledged);
    expect((await client.uploadBlob(key, blobId, bytes)).complete).toBe(true);
    const pieces: Uint8Array[] = [];
    for await (const piece of client.downloadBlob(capability)) pieces.push(piece);
    client.close();
    await last.kill();
    expect(sha(Buffer.concat(pieces))).toBe(sha(bytes));
  }, 300_000);
});
