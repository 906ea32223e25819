// File transfer over the private Tor network: 50 MiB Alice → Bob on a file stream, whole and across a SIGKILL of Bob's receiving process.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateOnionKey } from '../../identity/index.js';
import { OnionListener } from '../../link/index.js';
import { TempDir } from '../../link/link-test-kit.js';
import { createTorRuntime, type SocksEndpoint } from '../../tor/index.js';
import { newFileKey, RECORD_PLAINTEXT_BYTES, recordCount } from '../file-records.js';
import { DEFAULT_CHECKPOINT_RECORDS } from '../partial-file.js';
import { sealedFileSha256 } from '../stored-file.js';
import { FileSender, type FileSenderEvents } from './file-sender.js';
import type { FileSource } from './file-source.js';
import { dialFileStreamWithRetry, receiverFor } from './transfer-test-kit.js';

const VIRTUAL_PORT = 9880;
const SIZE = 50 * 1024 * 1024;
const COUNT = recordCount(SIZE);
const KILL_AT = Math.floor(SIZE * 0.4);
const CHILD = join(import.meta.dirname, 'file-transfer-crash-child.ts');
const REPO = join(import.meta.dirname, '..', '..', '..', '..');

describe('file transfer over the private Tor network', () => {
  const dir = new TempDir();
  const env = { ...process.env, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') };
  const alice = generateOnionKey();
  const bob = generateOnionKey();
  const aliceTor = createTorRuntime({ torDir: dir.file('alice-tor'), env });
  const bobTor = createTorRuntime({ torDir: dir.file('bob-tor'), env });
  const listener = new OnionListener({
    localAddress: alice.address,
    endpoint: { kind: 'unix', path: dir.file('alice.sock') },
    isBlocked: () => false,
    acceptsFileStream: (peer) => peer === bob.address,
  });
  const sender = new FileSender();
  listener.on('file-stream', (stream) => void sender.serve(stream));
  const serving: FileSenderEvents['serving'][0][] = [];
  sender.on('serving', (event) => serving.push(event));

  let socks: SocksEndpoint;
  const connect = () => dialFileStreamWithRetry({ socks, port: VIRTUAL_PORT, signer: bob, peer: alice.address, dialTimeoutMs: 60_000 }, 120_000);

  async function offer(name: string): Promise<FileSource> {
    const plaintext = randomBytes(SIZE);
    const path = dir.file(name);
    await writeFile(path, plaintext);
    const source: FileSource = { kind: 'plaintext', path, key: newFileKey(), fileId: name, size: SIZE, sha256: createHash('sha256').update(plaintext).digest('hex') };
    sender.offer(bob.address, source);
    return source;
  }

  beforeAll(async () => {
    const target = await listener.listen();
    await Promise.all([aliceTor.start(), bobTor.start()]);
    await Promise.all([aliceTor.waitForBootstrap(120_000), bobTor.waitForBootstrap(120_000)]);
    await aliceTor.publish({ key: alice, virtualPort: VIRTUAL_PORT, target });
    await aliceTor.waitForReachable(alice.address, 90_000);
    if (bobTor.socks === undefined) throw new Error("Bob's tor has no SOCKS endpoint");
    socks = bobTor.socks;
  });

  afterAll(async () => {
    sender.close();
    listener.close();
    await Promise.all([aliceTor.stop(), bobTor.stop()]);
    dir.remove();
  });

  it('sends 50 MiB of random bytes that Bob verifies against the offered hash', { timeout: 600_000 }, async () => {
    const source = await offer('whole.bin');
    const receiver = receiverFor(source, dir.file('bob-downloads'), connect);
    const path = await receiver.receive();
    expect(await sealedFileSha256(path, source)).toBe(source.sha256);
    expect(serving.filter((s) => s.fileId === source.fileId)).toEqual([{ peer: bob.address, fileId: source.fileId, from: 0 }]);
  });

  it('resumes after Bob’s receiving process is killed at about 40 %, sending again far less than the file', { timeout: 600_000 }, async () => {
    const source = await offer('crash.bin');
    const downloads = dir.file('bob-crash-downloads');
    const args = { dir: downloads, socks, port: VIRTUAL_PORT, sender: alice.address, seedHex: Buffer.from(bob.seed).toString('hex'), keyHex: Buffer.from(source.key).toString('hex'), fileId: source.fileId, size: SIZE, sha256: source.sha256 };
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    let held = 0;
    let buffered = '';
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) held = Math.max(held, Number(line));
        if (held >= KILL_AT) resolve();
      });
      void exited.then(() => resolve());
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(errors).toBe('');
    expect(held).toBeGreaterThanOrEqual(KILL_AT);
    expect(held).toBeLessThan(SIZE);

    const path = await receiverFor(source, downloads, connect).receive();
    expect(await sealedFileSha256(path, source)).toBe(source.sha256);
    const froms = serving.filter((s) => s.fileId === source.fileId).map((s) => s.from);
    expect(froms[0]).toBe(0);
    const resumedFrom = froms.at(-1) ?? 0;
    // Everything up to the last checkpoint before the kill stays; only records after it travel again.
    const durable = Math.floor(Math.floor(held / RECORD_PLAINTEXT_BYTES) / DEFAULT_CHECKPOINT_RECORDS) * DEFAULT_CHECKPOINT_RECORDS;
    expect(resumedFrom).toBeGreaterThanOrEqual(durable);
    const sentAgain = (COUNT - resumedFrom) * RECORD_PLAINTEXT_BYTES;
    expect(sentAgain).toBeLessThanOrEqual(SIZE * 0.7);
  });
});
