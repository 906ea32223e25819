// Files between two whole cores on the private Tor network: 50 MiB through the API, checked on arrival, resumed after the receiver's core stops mid-transfer, with chat still flowing.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { befriend, fileState, readSha256, sendFile, watchFiles, type FileEvents } from '../../../scripts/test/core-files.js';
import { CorePeer } from '../../../scripts/test/core-peer.js';
import { waitFor } from '../../../scripts/test/wait-for.js';

const MINUTE = 60_000;
const SIZE = 50 * 1024 * 1024;

describe('files between two cores over the private Tor network', () => {
  const root = mkdtempSync(join(tmpdir(), 'allium-files-'));
  const env = { ...process.env, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') };
  const alice = new CorePeer('Alice', join(root, 'alice'), env);
  const bob = new CorePeer('Bob', join(root, 'bob'), env);
  let aliceFiles: FileEvents;
  let bobFiles: FileEvents;

  beforeAll(async () => {
    await Promise.all([alice.start(true), bob.start(true)]);
    aliceFiles = watchFiles(alice);
    bobFiles = watchFiles(bob);
    await Promise.all([alice.waitReachable(), bob.waitReachable()]);
    await befriend(alice, bob);
  }, 8 * MINUTE);

  afterAll(async () => {
    await Promise.allSettled([alice.core.stop(), bob.core.stop()]);
    rmSync(root, { recursive: true, force: true });
  });

  it('carries 50 MiB Alice → Bob, accepted above the automatic size and checked by hash, while text messages still arrive', async () => {
    const bytes = randomBytes(SIZE);
    const sent = await sendFile(alice, bob.address, bytes, 'big.bin');
    expect(sent.file).toMatchObject({ size: SIZE, state: 'offered' });
    const id = sent.file!.id;
    // Above the 25 MiB default Bob is asked first.
    await waitFor(() => bobFiles.received.find((m) => m.id === id && m.file?.state === 'offered'), { what: 'Bob to see the offer', timeoutMs: 3 * MINUTE });
    await bob.api['files.accept']({ conversation: alice.address, id });

    // Chat during the transfer: both directions arrive while the file is still on its way.
    await waitFor(() => bobFiles.progress.some((p) => p.id === id && p.bytes > 0), { what: 'the transfer to start', timeoutMs: 3 * MINUTE });
    const hello = await alice.api['messages.send']({ address: bob.address, text: 'the file is coming' });
    const reply = await bob.api['messages.send']({ address: alice.address, text: 'I see it' });
    await waitFor(async () => (await bob.conversation(alice.address)).some((m) => m.id === hello.id), { what: 'Bob to get the text during the transfer', timeoutMs: 3 * MINUTE });
    await waitFor(async () => (await alice.conversation(bob.address)).some((m) => m.id === reply.id), { what: 'Alice to get the reply during the transfer', timeoutMs: 3 * MINUTE });

    await waitFor(async () => (await fileState(bob, alice.address, id)) === 'received', { what: 'Bob to receive 50 MiB', timeoutMs: 15 * MINUTE, intervalMs: 2_000 });
    expect(await readSha256(bob, alice.address, id)).toBe(sha256(bytes));
    await waitFor(async () => (await fileState(alice, bob.address, id)) === 'sent', { what: 'Alice to see it sent', timeoutMs: 2 * MINUTE });
    const progress = bobFiles.progress.filter((p) => p.id === id);
    expect(progress.at(-1)).toMatchObject({ conversation: alice.address, bytes: SIZE, total: SIZE });
  }, 25 * MINUTE);

  it('resumes after Bob’s core stops at about 40% and starts again, sending far less than the whole file again', async () => {
    await bob.api['settings.update']({ autoAcceptBytes: 256 * 1024 * 1024 });
    const bytes = randomBytes(SIZE);
    const sent = await sendFile(alice, bob.address, bytes, 'again.bin');
    const id = sent.file!.id;
    const cut = await waitFor(() => bobFiles.progress.find((p) => p.id === id && p.bytes >= 0.4 * SIZE), { what: 'Bob to hold 40%', timeoutMs: 15 * MINUTE, intervalMs: 50 });
    await bob.core.stop();
    expect(cut.bytes).toBeLessThan(SIZE);

    await bob.start(false);
    bobFiles = watchFiles(bob);
    await waitFor(async () => (await fileState(bob, alice.address, id)) === 'received', { what: 'Bob to finish after the restart', timeoutMs: 15 * MINUTE, intervalMs: 2_000 });
    expect(await readSha256(bob, alice.address, id)).toBe(sha256(bytes));
    // The new core's first progress of the file is where it resumed: what it kept from before the stop.
    const resumedAt = bobFiles.progress.find((p) => p.id === id)?.bytes ?? 0;
    expect(resumedAt).toBeGreaterThan(0.25 * SIZE);
    expect(SIZE - resumedAt).toBeLessThan(0.75 * SIZE);
    await waitFor(async () => (await fileState(alice, bob.address, id)) === 'sent', { what: 'Alice to see it sent', timeoutMs: 3 * MINUTE });
    expect(aliceFiles.changed.some((m) => m.id === id && m.file?.state === 'sent')).toBe(true);
  }, 35 * MINUTE);
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
