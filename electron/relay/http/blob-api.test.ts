// The relay's blob store over real HTTP on 127.0.0.1 with real files and SQLite, driven by the real client and raw requests.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RelayAuthError,
  RelayBlobGoneError,
  RelayCapabilityError,
  RelayClient,
  RelayFullError,
  RelayQuotaError,
  RelayUnreachableError,
  generateQueueKey,
  type QueueKey,
} from '../../core/relay-client/index.js';
import { signRequest } from '../../core/relay-client/queue-key.js';
import { BLOB_CHUNK_BYTES, BLOB_MAX_BYTES, blobChunkPath, blobDownloadPath, blobPath, blobsPath, parseBlobCapability } from '../../shared/relay-protocol/index.js';
import type { RelayLimits } from '../limits.js';
import { BLOBS_DIR, startRelayHttp, type RelayHttp } from './relay-http-server.js';

const MIB = 1024 * 1024;
const DAY = 24 * 3_600_000;

let dir: string;
let relay: RelayHttp;
let client: RelayClient;
let clock: number;

async function start(limits: Partial<RelayLimits> = {}): Promise<void> {
  clock = Date.now();
  relay = await startRelayHttp({ dataDir: dir, limits, now: () => clock });
  client = new RelayClient({ target: { kind: 'direct', baseUrl: relay.url! }, timeoutMs: 20_000, now: () => clock });
}

async function owner(): Promise<QueueKey> {
  const key = generateQueueKey();
  await client.createQueue(key);
  return key;
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

async function download(capability: string, from?: number): Promise<Buffer> {
  const pieces: Uint8Array[] = [];
  for await (const piece of client.downloadBlob(capability, { from })) pieces.push(piece);
  return Buffer.concat(pieces);
}

/** A signed chunk sent by hand, for what the client would never send. */
async function rawChunk(key: QueueKey, blobId: string, offset: number, bytes: Uint8Array): Promise<{ status: number; received: string | null; json: { error?: string } }> {
  const path = blobChunkPath(key.queueId, blobId, offset);
  const response = await fetch(`${relay.url!}${path}`, { method: 'PUT', headers: { ...signRequest(key, 'PUT', path, bytes, clock) }, body: bytes });
  return { status: response.status, received: response.headers.get('x-allium-blob-received'), json: (await response.json()) as { error?: string } };
}

const blobFiles = (): string[] => readdirSync(join(dir, BLOBS_DIR));
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'allium-relay-blobs-'));
});
afterEach(async () => {
  client.close();
  await relay.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('relay blobs', () => {
  it('takes a blob in chunks from its owner and gives it whole, or from an offset, to a holder of its capability', async () => {
    await start();
    const key = await owner();
    const bytes = randomBytes(2 * MIB + 12_345);
    const blob = await client.createBlob(key, bytes.length);
    expect(blob).toMatchObject({ size: bytes.length, expiresAt: clock + 6 * 3_600_000 });
    expect(await client.blobStatus(key, blob.blobId)).toEqual({ blobId: blob.blobId, size: bytes.length, received: 0, complete: false, expiresAt: clock + 6 * 3_600_000 });
    // Readers wait for the upload to complete.
    expect(await refusal(download(blob.capability))).toMatchObject({ relayCode: 'blob-incomplete' });

    const progress: number[] = [];
    const done = await client.uploadBlob(key, blob.blobId, bytes, { onProgress: (received) => progress.push(received) });
    expect(progress).toEqual([MIB, 2 * MIB, bytes.length]);
    expect(done).toEqual({ blobId: blob.blobId, size: bytes.length, received: bytes.length, complete: true, expiresAt: clock + 30 * DAY });
    expect(blobFiles()).toEqual([blob.blobId]);

    expect(sha(await download(blob.capability))).toBe(sha(bytes));
    const seen: number[] = [];
    const tail = [];
    for await (const piece of client.downloadBlob(blob.capability, { from: MIB + 7, onProgress: (received, size) => seen.push(size - received) })) tail.push(piece);
    expect(Buffer.concat(tail).equals(bytes.subarray(MIB + 7))).toBe(true);
    expect(seen.at(-1)).toBe(0);
    // From the very end there is nothing left, and that is no error.
    expect((await download(blob.capability, bytes.length)).length).toBe(0);
  });

  it('resumes a download cut off by the relay stopping, from the bytes already kept', async () => {
    await start();
    const key = await owner();
    const bytes = randomBytes(24 * MIB);
    const blob = await client.createBlob(key, bytes.length);
    await client.uploadBlob(key, blob.blobId, (from) => [bytes.subarray(from, from + 5 * MIB), bytes.subarray(from + 5 * MIB)]);

    const kept: Uint8Array[] = [];
    let keptBytes = 0;
    const cut = await refusal(
      (async () => {
        for await (const piece of client.downloadBlob(blob.capability)) {
          kept.push(piece);
          keptBytes += piece.length;
          if (kept.length === 1) await relay.stop();
        }
      })(),
    );
    expect(cut).toBeInstanceOf(RelayUnreachableError);
    expect((cut as Error).message).toContain(`after ${String(keptBytes)} of ${String(bytes.length)} bytes`);
    expect(keptBytes).toBeLessThan(bytes.length);

    client.close();
    await start();
    kept.push(await download(blob.capability, keptBytes));
    expect(sha(Buffer.concat(kept))).toBe(sha(bytes));
  });

  it('answers byte ranges as HTTP does, and refuses one outside the blob', async () => {
    await start();
    const key = await owner();
    const bytes = randomBytes(1_000);
    const blob = await client.createBlob(key, bytes.length);
    await client.uploadBlob(key, blob.blobId, bytes);
    const { blobId, secret } = parseBlobCapability(blob.capability)!;
    const get = (range?: string): Promise<Response> =>
      fetch(`${relay.url!}${blobDownloadPath(blobId)}`, { headers: { 'x-allium-blob-secret': secret, ...(range === undefined ? {} : { range }) } });

    const whole = await get();
    expect([whole.status, whole.headers.get('accept-ranges'), whole.headers.get('content-length')]).toEqual([200, 'bytes', '1000']);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const middle = await get('bytes=10-19');
    expect([middle.status, middle.headers.get('content-range')]).toEqual([206, 'bytes 10-19/1000']);
    expect(Buffer.from(await middle.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);
    const suffix = await get('bytes=-5');
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(995))).toBe(true);
    const pastEnd = await get('bytes=990-5000');
    expect([pastEnd.status, pastEnd.headers.get('content-range')]).toEqual([206, 'bytes 990-999/1000']);
    await pastEnd.arrayBuffer();

    const outside = await get('bytes=1000-');
    expect([outside.status, outside.headers.get('content-range'), ((await outside.json()) as { error: string }).error]).toEqual([416, 'bytes */1000', 'range-not-satisfiable']);
    const several = await get('bytes=0-1,5-6');
    expect([several.status, ((await several.json()) as { error: string }).error]).toEqual([400, 'malformed-request']);
  });

  it('resumes an upload where the relay’s synced bytes end, after a request cut off midway or a wrong offset', async () => {
    await start();
    const key = await owner();
    const bytes = randomBytes(3 * MIB);
    const { blobId, capability } = await client.createBlob(key, bytes.length);
    expect(await rawChunk(key, blobId, 0, bytes.subarray(0, MIB))).toMatchObject({ status: 200, received: String(MIB) });

    // The second chunk's request breaks off after half its body: the relay keeps none of it.
    const path = blobChunkPath(key.queueId, blobId, MIB);
    const chunk = bytes.subarray(MIB, 2 * MIB);
    await new Promise<void>((resolve) => {
      const outgoing = httpRequest(`${relay.url!}${path}`, { method: 'PUT', headers: { ...signRequest(key, 'PUT', path, chunk, clock), 'content-length': String(chunk.length) } });
      outgoing.on('error', () => resolve());
      outgoing.write(chunk.subarray(0, MIB / 2), () => setTimeout(() => outgoing.destroy(), 50));
    });
    expect((await client.blobStatus(key, blobId)).received).toBe(MIB);

    // A chunk at the wrong offset is refused with the offset the relay expects.
    expect(await rawChunk(key, blobId, 2 * MIB, bytes.subarray(2 * MIB))).toEqual({
      status: 409,
      received: String(MIB),
      json: expect.objectContaining({ error: 'blob-offset-mismatch' }) as unknown,
    });

    // An upload stopped by its caller stops between chunks, leaving what was synced.
    const stop = new AbortController();
    const stopped = await refusal(client.uploadBlob(key, blobId, bytes, { signal: stop.signal, onProgress: () => stop.abort() }));
    expect((stopped as Error).name).toBe('AbortError');
    expect((await client.blobStatus(key, blobId)).received).toBe(2 * MIB);

    // The client, told a wrong offset, is corrected by the relay and sends only what is missing.
    const sent: number[] = [];
    const source = (from: number): Uint8Array[] => {
      sent.push(from);
      return [bytes.subarray(from)];
    };
    const done = await client.uploadBlob(key, blobId, source, { offset: 0 });
    expect(sent).toEqual([0, 2 * MIB]);
    expect(done.complete).toBe(true);
    expect(sha(await download(capability))).toBe(sha(bytes));
    // A repeated upload of a complete blob sends nothing and completes again.
    expect((await client.uploadBlob(key, blobId, source)).complete).toBe(true);
    expect(sent).toEqual([0, 2 * MIB, 3 * MIB]);
  });

  it('refuses blobs past the quota, the disk cap or the largest size, and chunks past the declared size', async () => {
    await start({ blobQueueMaxBytes: 3 * MIB, blobQueueMaxCount: 3, blobDiskCapBytes: 5 * MIB });
    const alice = await owner();
    const bob = await owner();
    const first = await client.createBlob(alice, 2 * MIB);
    const overQuota = await refusal(client.createBlob(alice, 2 * MIB));
    expect(overQuota).toBeInstanceOf(RelayQuotaError);
    expect((overQuota as RelayQuotaError).relayCode).toBe('blob-quota');
    const tiny = await client.createBlob(alice, 1);
    await client.createBlob(alice, 1);
    expect(await refusal(client.createBlob(alice, 1))).toMatchObject({ relayCode: 'blob-quota' });
    // Only stored bytes count against the disk cap: declaring more than it holds is no refusal.
    await client.createBlob(bob, 3 * MIB - 2);
    expect(await refusal(client.createBlob(bob, BLOB_MAX_BYTES + 1))).toMatchObject({ relayCode: 'blob-too-large' });
    expect(await refusal(client.createBlob(bob, 0))).toMatchObject({ relayCode: 'malformed-request' });
    const path = blobsPath(bob.queueId);
    for (const body of ['null', '[]', '{"size":1,"name":"x"}']) {
      const response = await fetch(`${relay.url!}${path}`, { method: 'POST', headers: { ...signRequest(bob, 'POST', path, Buffer.from(body), clock) }, body });
      expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([400, 'malformed-request']);
    }

    expect(await rawChunk(alice, first.blobId, 0, new Uint8Array(BLOB_CHUNK_BYTES + 1))).toMatchObject({ status: 413, json: { error: 'body-too-large' } });
    expect(await rawChunk(alice, first.blobId, 0, new Uint8Array(MIB))).toMatchObject({ status: 200, received: String(MIB) });
    expect(await refusal(client.uploadBlob(alice, first.blobId, new Uint8Array(MIB)))).toMatchObject({ relayCode: 'blob-incomplete' });
    expect(await rawChunk(alice, tiny.blobId, 0, new Uint8Array(2))).toMatchObject({ status: 413, json: { error: 'blob-too-large' } });
    // Deleting frees the quota.
    expect(await client.deleteBlob(alice, first.blobId)).toBe(true);
    expect((await client.createBlob(alice, 2 * MIB)).size).toBe(2 * MIB);
  });

  it('counts stored bytes, not declared sizes: 80 reservations from 16 throw-away queues leave room for an honest upload', async () => {
    await start();
    const throwAway = await Promise.all(Array.from({ length: 16 }, () => owner()));
    const outcomes = await Promise.all(throwAway.flatMap((key) => Array.from({ length: 5 }, () => refusal(client.createBlob(key, BLOB_MAX_BYTES)))));
    // Each queue may have 4 uploads unfinished; the fifth is refused, and none of them is counted against the relay.
    expect(outcomes.filter((o) => o === undefined)).toHaveLength(64);
    expect(outcomes.filter((o) => o instanceof RelayQuotaError)).toHaveLength(16);
    expect(relay.blobs.stats()).toMatchObject({ blobs: 64, pending: 64, bytesStored: 0 });
    const honest = await owner();
    const bytes = randomBytes(MIB + 7);
    const blob = await client.createBlob(honest, bytes.length);
    expect((await client.uploadBlob(honest, blob.blobId, bytes)).complete).toBe(true);
    expect(await download(blob.capability)).toEqual(bytes);
    // Unfinished uploads are deleted six hours after they were created.
    clock += 6 * 3_600_000;
    expect(await relay.blobs.sweep(clock)).toBe(64);
    expect(relay.blobs.stats()).toMatchObject({ blobs: 1, pending: 0, bytesStored: bytes.length });
  });

  it('bounds unfinished uploads in all, and the stored bytes against the disk cap chunk by chunk', async () => {
    await start({ blobPendingTotal: 3, blobDiskCapBytes: 3 * MIB });
    const [alice, bob] = [await owner(), await owner()];
    const pending = [await client.createBlob(alice, 2 * MIB), await client.createBlob(alice, 2 * MIB), await client.createBlob(bob, 2 * MIB)];
    const busy = await refusal(client.createBlob(bob, 1));
    expect(busy).toBeInstanceOf(RelayFullError);
    expect((busy as Error).message).toContain('unfinished uploads');
    await client.uploadBlob(alice, pending[0]!.blobId, new Uint8Array(2 * MIB));
    // Two MiB stored of three: the next blob's chunks run into the cap, its creation is still allowed.
    expect(await rawChunk(bob, pending[2]!.blobId, 0, new Uint8Array(MIB))).toMatchObject({ status: 200 });
    expect(await rawChunk(bob, pending[2]!.blobId, MIB, new Uint8Array(1))).toMatchObject({ status: 507, json: { error: 'relay-full' } });
    expect(await refusal(client.createBlob(bob, MIB))).toBeInstanceOf(RelayFullError);
    await client.deleteBlob(alice, pending[0]!.blobId);
    expect(await rawChunk(bob, pending[2]!.blobId, MIB, new Uint8Array(MIB))).toMatchObject({ status: 200 });
  });

  it('refuses a wrong or malformed capability, and another queue’s owner', async () => {
    await start();
    const alice = await owner();
    const mallory = await owner();
    const blob = await client.createBlob(alice, 10);
    await client.uploadBlob(alice, blob.blobId, Buffer.from('0123456789'));
    const { blobId, secret } = parseBlobCapability(blob.capability)!;

    expect(await refusal(download(`${blobId}.${'A'.repeat(43)}`))).toBeInstanceOf(RelayBlobGoneError);
    expect(await refusal(download(`${'A'.repeat(22)}.${secret}`))).toBeInstanceOf(RelayBlobGoneError);
    expect(await refusal(download('not-a-capability'))).toBeInstanceOf(RelayCapabilityError);
    const missing = await fetch(`${relay.url!}${blobDownloadPath(blobId)}`);
    expect([missing.status, ((await missing.json()) as { error: string }).error]).toEqual([401, 'capability-missing']);

    // Mallory signs with her own key for her own queue: Alice's blob is not hers to see, fill or delete.
    expect(await refusal(client.blobStatus(mallory, blobId))).toMatchObject({ relayCode: 'blob-not-found' });
    expect(await rawChunk(mallory, blobId, 10, new Uint8Array(1))).toMatchObject({ status: 404, json: { error: 'blob-not-found' } });
    expect(await client.deleteBlob(mallory, blobId)).toBe(false);
    // And nobody without Alice's key may ask about her queue's blobs.
    const unsigned = await fetch(`${relay.url!}${blobPath(alice.queueId, blobId)}`);
    expect(unsigned.status).toBe(401);
    expect(await refusal(client.blobStatus({ queueId: alice.queueId, seed: mallory.seed }, blobId))).toBeInstanceOf(RelayAuthError);
    expect((await download(blob.capability)).toString()).toBe('0123456789');
  });

  it('deletes a blob for its owner, with its queue, and when it expires', async () => {
    await start();
    const key = await owner();
    const deleted = await client.createBlob(key, 4);
    await client.uploadBlob(key, deleted.blobId, Buffer.from('gone'));
    expect(await client.deleteBlob(key, deleted.blobId)).toBe(true);
    expect(await client.deleteBlob(key, deleted.blobId)).toBe(false);
    expect(await refusal(download(deleted.capability))).toBeInstanceOf(RelayBlobGoneError);
    expect(blobFiles()).toEqual([]);

    const unfinished = await client.createBlob(key, 4);
    const kept = await client.createBlob(key, 4);
    clock += 5 * 3_600_000;
    await client.uploadBlob(key, kept.blobId, Buffer.from('kept'));
    // Six hours after creation an unfinished upload is gone; a completed blob stays 30 days after completion.
    clock += 2 * 3_600_000;
    expect(await refusal(client.blobStatus(key, unfinished.blobId))).toBeInstanceOf(RelayBlobGoneError);
    expect(await relay.blobs.sweep(clock)).toBe(1);
    expect(blobFiles()).toEqual([kept.blobId]);
    clock += 27 * DAY;
    expect((await download(kept.capability)).toString()).toBe('kept');
    clock += 3 * DAY;
    expect(await refusal(download(kept.capability))).toBeInstanceOf(RelayBlobGoneError);
    expect(await relay.blobs.sweep(clock)).toBe(1);
    expect(blobFiles()).toEqual([]);

    // Deleting the queue deletes its blobs' files too.
    const last = await client.createBlob(key, 4);
    expect(existsSync(join(dir, BLOBS_DIR, last.blobId))).toBe(true);
    await client.deleteQueue(key);
    expect(blobFiles()).toEqual([]);
    expect(relay.blobs.stats()).toEqual({ blobs: 0, pending: 0, bytesStored: 0 });
  });
});
