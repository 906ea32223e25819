// The relay process on a disk that fills up for real (a file size limit on the process: its writes fail with EFBIG, as with
// ENOSPC): its sweeps fail in the background and it keeps serving, refuses as relay-full, and recovers when space returns.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayClient, RelayFullError, generateQueueKey, newEnvelopeId } from '../core/relay-client/index.js';
import { MAX_ENVELOPE_BYTES } from '../shared/relay-protocol/index.js';
import { bundleLoopbackChild, startLoopbackChild, type LoopbackChild } from './loopback-child-process.js';

const MIB = 1024 * 1024;
/** Below the WAL's automatic checkpoint (1 000 pages, 4 MiB): the WAL is the file that hits it. */
const FILE_SIZE_LIMIT = 1.5 * MIB;

const dir = mkdtempSync(join(tmpdir(), 'allium-relay-full-disk-'));
let bundle: Awaited<ReturnType<typeof bundleLoopbackChild>>;
let running: LoopbackChild | undefined;
beforeAll(async () => {
  bundle = await bundleLoopbackChild('full-disk');
});
afterAll(async () => {
  await running?.kill();
  rmSync(dir, { recursive: true, force: true });
  bundle.remove();
});

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Waits for a condition the child reaches by itself, checking every 20 ms, for at most a minute. */
async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > 60_000) throw new Error(`gave up waiting for ${what}`);
    await sleep(20);
  }
}

describe('a relay whose disk fills up', () => {
  it('keeps running when a sweep cannot write, refuses deposits as relay-full, and takes them again once space returns', async () => {
    // First fill the WAL to the limit with envelopes that expire at once, with no sweep to delete them yet.
    const filler = await startLoopbackChild(bundle.file, dir, { retentionMs: 1, sweepEveryMs: 3_600_000, fileSizeLimit: FILE_SIZE_LIMIT });
    running = filler;
    const client = new RelayClient({ target: { kind: 'direct', baseUrl: filler.url }, timeoutMs: 20_000 });
    const key = generateQueueKey();
    await client.createQueue(key);
    const { capability } = await client.createCapability(key);
    // A blob file past the limit: the chunk that crosses it is refused, and only the bytes written before are counted.
    const file = randomBytes(2 * MIB);
    const blob = await client.createBlob(key, file.length);
    expect(await refusal(client.uploadBlob(key, blob.blobId, file))).toBeInstanceOf(RelayFullError);
    expect((await client.blobStatus(key, blob.blobId)).received).toBe(MIB);
    for (const size of [MAX_ENVELOPE_BYTES, 900]) {
      let refused: unknown;
      for (let i = 0; i < 1_000 && refused === undefined; i += 1) refused = await refusal(client.deposit(capability, newEnvelopeId(), new Uint8Array(size)));
      expect(refused).toBeInstanceOf(RelayFullError);
      expect((refused as Error).message).toContain('cannot write to its disk');
    }
    client.close();
    await filler.kill();

    // The next start sweeps at once and every 50 ms: each sweep has expired envelopes to delete and no room to write.
    const relay = await startLoopbackChild(bundle.file, dir, { retentionMs: 1, sweepEveryMs: 50, fileSizeLimit: FILE_SIZE_LIMIT });
    running = relay;
    const again = new RelayClient({ target: { kind: 'direct', baseUrl: relay.url }, timeoutMs: 20_000 });
    await until('two failed sweeps', () => relay.errors().split('could not delete expired envelopes').length > 2);
    expect((await again.probe()).service).toBe('allium-relay');
    expect(await refusal(again.deposit(capability, newEnvelopeId(), new Uint8Array(900)))).toBeInstanceOf(RelayFullError);

    // Space returns: the next sweep deletes what expired, and deposits are taken again.
    execFileSync('prlimit', ['--pid', String(relay.pid), '--fsize=unlimited:unlimited']);
    await until('a deposit taken again', async () => (await refusal(again.deposit(capability, newEnvelopeId(), new Uint8Array(900)))) === undefined);
    expect((await again.uploadBlob(key, blob.blobId, file)).complete).toBe(true);
    const pieces: Uint8Array[] = [];
    for await (const piece of again.downloadBlob(blob.capability)) pieces.push(piece);
    expect(Buffer.concat(pieces).equals(file)).toBe(true);
    again.close();
  });
});
