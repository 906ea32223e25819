// File transfer over real unix sockets: pipelined records, resume after a dropped stream, cancel both ways, hash mismatch, refusals.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOnionKey } from '../../identity/index.js';
import { CallerBlockedError, type AuthRefusedError } from '../../protocol/index.js';
import { connectPeer, connectStream } from '../../link/index.js';
import { next, openSocket, TempDir } from '../../link/link-test-kit.js';
import { FileHashMismatchError } from '../errors.js';
import { RECORD_PLAINTEXT_BYTES, recordCount } from '../file-records.js';
import { filePaths } from '../partial-file.js';
import { sealedFileSha256 } from '../stored-file.js';
import { FileSourceChangedError, TransferCancelledError, TransferInterruptedError, TransferProtocolError } from './errors.js';
import type { FileSenderEvents } from './file-sender.js';
import { sealFile, type FileSource } from './file-source.js';
import { fileStreamDialer, plaintextSource, receiverFor, startSendingSide, type SendingSide } from './transfer-test-kit.js';
import { TransferDecoder } from './transfer-decoder.js';
import { encodeTransferFrame, type TransferFrame } from './transfer-frames.js';

const SIZE = 3 * RECORD_PLAINTEXT_BYTES * 16 + 4_321; // 49 records, the last one short
const COUNT = recordCount(SIZE);

const bob = generateOnionKey();
const carol = generateOnionKey();
let dir: TempDir;
let alice: SendingSide;

beforeEach(async () => {
  dir = new TempDir();
  alice = await startSendingSide(dir, (peer) => peer === bob.address);
});
afterEach(() => {
  alice.sender.close();
  alice.listener.close();
  dir.remove();
});

function collect<E extends keyof FileSenderEvents>(event: E): FileSenderEvents[E][0][] {
  const seen: FileSenderEvents[E][0][] = [];
  alice.sender.on(event, ((value: FileSenderEvents[E][0]) => seen.push(value)) as never);
  return seen;
}

/** Reads frames from a raw socket until `until` says stop or the socket closes. */
function readFrames(socket: Socket, until: (frame: TransferFrame) => boolean): Promise<TransferFrame[]> {
  const decoder = new TransferDecoder();
  const frames: TransferFrame[] = [];
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        frames.push(frame);
        if (until(frame)) resolve(frames);
      }
    });
    socket.on('close', () => resolve(frames));
    socket.on('error', reject);
  });
}

async function offered(name: string, size = SIZE): Promise<{ source: FileSource; plaintext: Buffer }> {
  const made = await plaintextSource(dir, name, size);
  alice.sender.offer(bob.address, made.source);
  return made;
}

describe('file transfer on its own stream', () => {
  it('streams every record after a single Want, with no round trip per record, then Done', async () => {
    const { source } = await offered('pipelined.bin');
    const socket = await openSocket(alice.socketPath);
    const stream = await connectStream(socket, { signer: bob, peer: alice.key.address }, 'file');
    const frames = readFrames(socket, (frame) => frame.type === 'done');
    stream.socket.resume();
    socket.write(encodeTransferFrame({ type: 'want', fileId: source.fileId, from: 0 }));
    const received = await frames;
    // The receiver wrote one frame; the sender answered with the whole file in order.
    expect(received.map((frame) => (frame.type === 'record' ? frame.index : frame.type))).toEqual([...Array.from({ length: COUNT }, (_, index) => index), 'done']);
    socket.destroy();
  });

  it('hears a Cancel that arrives in the same chunk as the Want', async () => {
    const { source } = await offered('want-then-cancel.bin');
    const cancelled = collect('cancelled');
    const socket = await openSocket(alice.socketPath);
    await connectStream(socket, { signer: bob, peer: alice.key.address }, 'file');
    socket.resume();
    socket.write(Buffer.concat([encodeTransferFrame({ type: 'want', fileId: source.fileId, from: 0 }), encodeTransferFrame({ type: 'cancel', reason: 'cancelled' })]));
    await expect.poll(() => cancelled).toEqual([{ peer: bob.address, fileId: source.fileId, reason: 'cancelled' }]);
    expect(alice.sender.isOffered(bob.address, source.fileId)).toBe(false);
    socket.destroy();
  });

  it('delivers a file verified against its hash, with progress on both sides', async () => {
    const { source } = await offered('whole.bin');
    const delivered = collect('delivered');
    const sent = collect('progress');
    const receiver = receiverFor(source, dir.file('downloads'), fileStreamDialer(alice, bob));
    const got: number[] = [];
    receiver.on('progress', ({ bytes, total }) => {
      expect(total).toBe(SIZE);
      got.push(bytes);
    });
    const path = await receiver.receive();
    expect(await sealedFileSha256(path, source)).toBe(source.sha256);
    expect(got.at(-1)).toBe(SIZE);
    expect(got).toEqual([...got].sort((a, b) => a - b));
    expect(sent.map((p) => p.bytes).at(-1)).toBe(SIZE);
    await expect.poll(() => delivered).toEqual([{ peer: bob.address, fileId: source.fileId }]);
    expect(alice.sender.isOffered(bob.address, source.fileId)).toBe(false);
  });

  it('serves a file sealed once at offer time', async () => {
    const { source } = await plaintextSource(dir, 'plain.bin', SIZE);
    const sealedPath = dir.file('offered.sealed');
    expect(await sealFile(source.path, sealedPath, source)).toBe(source.sha256);
    const sealed: FileSource = { ...source, kind: 'sealed', path: sealedPath };
    alice.sender.offer(bob.address, sealed);
    const path = await receiverFor(sealed, dir.file('downloads'), fileStreamDialer(alice, bob)).receive();
    expect(await sealedFileSha256(path, source)).toBe(source.sha256);
  });

  it('resumes after the stream drops at about 40 %, sending again only what was not kept', async () => {
    const { source } = await offered('resume.bin');
    const serving = collect('serving');
    const sockets: Socket[] = [];
    const receiver = receiverFor(source, dir.file('downloads'), fileStreamDialer(alice, bob, sockets), { checkpointRecords: 4 });
    const cut = Math.floor(SIZE * 0.4);
    let dropped = false;
    receiver.on('progress', ({ bytes }) => {
      if (!dropped && bytes >= cut) {
        dropped = true;
        sockets[0]?.destroy();
      }
    });
    await expect(receiver.receive()).rejects.toBeInstanceOf(TransferInterruptedError);
    const path = await receiver.receive();
    expect(await sealedFileSha256(path, source)).toBe(source.sha256);
    expect(serving.map((s) => s.from)[0]).toBe(0);
    const resumedFrom = serving[1]?.from ?? 0;
    expect(resumedFrom).toBeGreaterThanOrEqual(Math.floor(cut / RECORD_PLAINTEXT_BYTES));
    expect(resumedFrom).toBeLessThan(COUNT);
  });

  it('stops and deletes the partial file when the receiver cancels, and the sender hears why', async () => {
    const { source } = await offered('cancel-here.bin');
    const cancelled = collect('cancelled');
    const downloads = dir.file('downloads');
    const receiver = receiverFor(source, downloads, fileStreamDialer(alice, bob));
    receiver.once('progress', () => receiver.once('progress', () => void receiver.cancel()));
    const outcome = receiver.receive();
    await expect(outcome).rejects.toMatchObject({ name: 'TransferCancelledError', by: 'local' });
    await receiver.cancel();
    await expect.poll(() => cancelled).toEqual([{ peer: bob.address, fileId: source.fileId, reason: 'cancelled' }]);
    expect(existsSync(filePaths(downloads, source.fileId).partial)).toBe(false);
    expect(alice.sender.isOffered(bob.address, source.fileId)).toBe(false);
    await expect(receiver.receive()).rejects.toBeInstanceOf(TransferCancelledError);
  });

  it('stops the receiver when the sender cancels, and refuses a later fetch of the withdrawn file', async () => {
    const { source } = await offered('cancel-there.bin');
    const downloads = dir.file('downloads');
    const receiver = receiverFor(source, downloads, fileStreamDialer(alice, bob));
    receiver.once('progress', () => receiver.once('progress', () => alice.sender.cancel(bob.address, source.fileId)));
    await expect(receiver.receive()).rejects.toMatchObject({ name: 'TransferCancelledError', by: 'peer', reason: 'cancelled' });
    expect(existsSync(filePaths(downloads, source.fileId).partial)).toBe(false);
    await expect(receiver.receive()).rejects.toMatchObject({ name: 'TransferCancelledError', by: 'peer', reason: 'unknown-file' });
  });

  it('deletes the partial file when the whole does not match the offered hash', async () => {
    const { source } = await offered('mismatch.bin');
    const downloads = dir.file('downloads');
    const receiver = receiverFor({ ...source, sha256: 'a'.repeat(64) }, downloads, fileStreamDialer(alice, bob));
    await expect(receiver.receive()).rejects.toBeInstanceOf(FileHashMismatchError);
    const paths = filePaths(downloads, source.fileId);
    expect([paths.partial, paths.progress, paths.sealed].map((path) => existsSync(path))).toEqual([false, false, false]);
  });

  it('refuses to seal a plaintext file again once it changed after the offer', async () => {
    const { source } = await offered('changed.bin');
    const failed = collect('failed');
    await writeFile(source.path, Buffer.alloc(SIZE, 7));
    const receiver = receiverFor(source, dir.file('downloads'), fileStreamDialer(alice, bob));
    await expect(receiver.receive()).rejects.toMatchObject({ name: 'TransferCancelledError', by: 'peer', reason: 'source-changed' });
    await expect.poll(() => failed.map((f) => f.error)).toEqual([expect.any(FileSourceChangedError)]);
  });

  it('closes a stream that sends garbage, on either side', async () => {
    const { source } = await offered('garbage.bin');
    const failed = collect('failed');
    const socket = await openSocket(alice.socketPath);
    await connectStream(socket, { signer: bob, peer: alice.key.address }, 'file');
    socket.write(Buffer.from([0, 0, 0, 9, 77, 1, 2, 3, 4, 5, 6, 7, 8]));
    await expect.poll(() => failed.map((f) => f.error)).toEqual([expect.any(TransferProtocolError)]);

    // A "sender" whose stream answers a Want with a frame of an unknown type.
    alice.listener.removeAllListeners('file-stream');
    alice.listener.on('file-stream', (stream) => {
      stream.socket.resume();
      stream.socket.once('data', () => stream.socket.write(Buffer.from([0, 0, 0, 1, 99])));
    });
    const receiver = receiverFor(source, dir.file('downloads'), fileStreamDialer(alice, bob));
    await expect(receiver.receive()).rejects.toBeInstanceOf(TransferProtocolError);
  });

  it('refuses a file stream from a peer the core does not accept, and leaves links alone', async () => {
    const { source } = await offered('not-for-carol.bin');
    alice.sender.offer(carol.address, source);
    const receiver = receiverFor(source, dir.file('downloads'), fileStreamDialer(alice, carol));
    await expect(receiver.receive()).rejects.toMatchObject({ name: 'AuthRefusedError', reason: 'blocked' } satisfies Partial<AuthRefusedError>);
    expect(alice.rejected).toEqual([{ reason: 'handshake-failed', error: expect.any(CallerBlockedError) as unknown, caller: carol.address }]);

    // Carol may still open a link (to send a contact request), and it arrives as a link, not a file stream.
    const arrived = next<{ peer: string }>(alice.listener, 'link');
    const link = await connectPeer(await openSocket(alice.socketPath), { signer: carol, peer: alice.key.address });
    expect((await arrived).peer).toBe(carol.address);
    link.close();
  });
});

describe('cancelling before the stream is open', () => {
  it('settles the attempt when cancel() comes while the receiver is still dialing', async () => {
    const { source } = await offered('cancel-while-dialing.bin');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const dial = fileStreamDialer(alice, bob);
    const receiver = receiverFor(source, dir.file('downloads'), async () => {
      await gate;
      return dial();
    });
    const outcome = receiver.receive();
    const cancelled = receiver.cancel();
    release();
    await expect(outcome).rejects.toMatchObject({ name: 'TransferCancelledError', by: 'local' });
    await cancelled;
    expect(existsSync(filePaths(dir.file('downloads'), source.fileId).partial)).toBe(false);
  });
});
