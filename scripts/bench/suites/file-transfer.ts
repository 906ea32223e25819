// Bench suite: on one private Tor network, a file transfer's throughput against a bare onion stream between the same two tors
// (target ≥ 0.9×), and the time to the first record of a resumed transfer.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newFileKey } from '../../../electron/core/files/index.js';
import { FileReceiver, FileSender, sealFile, TransferInterruptedError, type FileSource } from '../../../electron/core/files/transfer/index.js';
import { generateOnionKey, type OnionKey } from '../../../electron/core/identity/index.js';
import { dialOnion, dialStream, OnionListener, type AuthenticatedStream } from '../../../electron/core/link/index.js';
import { createTorRuntime, type SocksEndpoint, type TorRuntime } from '../../../electron/core/tor/index.js';
import { startTestnet } from '../../testnet.js';
import { readAll, startByteSource } from '../file-transfer/bare-stream.js';
import { closeServer } from '../peer-link/echo.js';
import { within } from '../peer-link/deadline.js';
import { summarize } from '../peer-link/latency.js';
import { settleAll } from '../peer-link/settle.js';
import type { Report } from '../report.js';

const FILE_BYTES = 32 * 1024 * 1024;
const ROUNDS = 3;
const TARGET_RATIO = 0.9;
const RESUME_AT = 0.4;
const FILE_PORT = 9881;
const BARE_PORT = 9882;
const STEP_TIMEOUT_MS = 300_000;

const log = (line: string): void => console.log(`  ${line}`);
const mibPerS = (bytes: number, ms: number): number => Math.round((bytes / (1024 * 1024) / (ms / 1000)) * 100) / 100;

interface Pair {
  readonly alice: OnionKey;
  readonly bareKey: OnionKey;
  readonly bob: OnionKey;
  readonly sender: FileSender;
  readonly socks: SocksEndpoint;
  readonly dir: string;
}

/** Dials until tor finds the descriptor; the first fetches can fail on a young network. */
async function retrying<T>(dial: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await dial();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

async function offer(pair: Pair, name: string, kind: FileSource['kind']): Promise<FileSource> {
  const plaintext = randomBytes(FILE_BYTES);
  const path = join(pair.dir, name);
  await writeFile(path, plaintext);
  const base: FileSource = { kind: 'plaintext', path, key: newFileKey(), fileId: name, size: FILE_BYTES, sha256: createHash('sha256').update(plaintext).digest('hex') };
  const source = kind === 'plaintext' ? base : { ...base, kind, path: `${path}.sealed` };
  if (kind === 'sealed') await sealFile(path, source.path, base);
  pair.sender.offer(pair.bob.address, source);
  return source;
}

function receiver(pair: Pair, source: FileSource, sockets: AuthenticatedStream[] = []): FileReceiver {
  const connect = async (): Promise<AuthenticatedStream> => {
    const stream = await retrying(() => dialStream({ socks: pair.socks, port: FILE_PORT, signer: pair.bob, peer: pair.alice.address, dialTimeoutMs: 60_000 }, 'file'));
    sockets.push(stream);
    return stream;
  };
  return new FileReceiver({ dir: join(pair.dir, 'downloads'), key: source.key, fileId: source.fileId, size: source.size, sha256: source.sha256, connect });
}

/** Bytes per ms from the first record written to the last: the stream's rate, without dial, hash checks or the final rename. */
async function alliumRate(pair: Pair, round: number): Promise<number> {
  const source = await offer(pair, `rate-${String(round)}.bin`, 'plaintext');
  const incoming = receiver(pair, source);
  const stamps: { at: number; bytes: number }[] = [];
  incoming.on('progress', ({ bytes }) => stamps.push({ at: performance.now(), bytes }));
  await within(incoming.receive(), STEP_TIMEOUT_MS, 'a file transfer');
  // stamps[0] is the attempt's start (nothing held); stamps[1] is the first record.
  const first = stamps[1];
  const last = stamps.at(-1);
  if (first === undefined || last === undefined) throw new Error('the transfer reported no records');
  return (last.bytes - first.bytes) / (last.at - first.at);
}

async function bareRate(pair: Pair): Promise<number> {
  const socket = await retrying(() => dialOnion(pair.socks, pair.bareKey.address, BARE_PORT, { timeoutMs: 60_000 }));
  const timing = await within(readAll(socket, FILE_BYTES), STEP_TIMEOUT_MS, 'a bare stream');
  return FILE_BYTES / (timing.lastByteAt - timing.firstByteAt);
}

/** Interrupts a transfer at RESUME_AT, then times receive() to the first record of the resumed attempt. */
async function resumedFirstRecordMs(pair: Pair, kind: FileSource['kind']): Promise<number> {
  const source = await offer(pair, `resume-${kind}.bin`, kind);
  const streams: AuthenticatedStream[] = [];
  const incoming = receiver(pair, source, streams);
  const cut = (progress: { bytes: number }): void => {
    if (progress.bytes < FILE_BYTES * RESUME_AT) return;
    incoming.off('progress', cut);
    streams[0]?.socket.destroy();
  };
  incoming.on('progress', cut);
  try {
    await within(incoming.receive(), STEP_TIMEOUT_MS, 'the transfer to interrupt');
    throw new Error('the transfer finished before it could be interrupted');
  } catch (error) {
    if (!(error instanceof TransferInterruptedError)) throw error;
  }
  let firstRecordAt = 0;
  let seen = 0;
  incoming.on('progress', () => {
    if (++seen === 2) firstRecordAt = performance.now();
  });
  const started = performance.now();
  await within(incoming.receive(), STEP_TIMEOUT_MS, 'the resumed transfer');
  return firstRecordAt - started;
}

async function measure(pair: Pair, report: Report): Promise<void> {
  const bare: number[] = [];
  const allium: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await bareRate(pair));
    allium.push(await alliumRate(pair, round));
    log(`round ${String(round + 1)}: bare stream ${String(mibPerS(bare.at(-1) ?? 0, 1))} MiB/s, file transfer ${String(mibPerS(allium.at(-1) ?? 0, 1))} MiB/s`);
  }
  const bareMedian = summarize(bare).p50;
  const alliumMedian = summarize(allium).p50;
  const ratio = alliumMedian / bareMedian;
  report('bare.onion_stream_mib_per_s', mibPerS(bareMedian, 1), 'MiB/s');
  report('files.transfer_mib_per_s', mibPerS(alliumMedian, 1), 'MiB/s');
  report('files.transfer_vs_bare', Number(ratio.toFixed(3)), 'x');
  report('files.transfer_target_met', ratio >= TARGET_RATIO ? 1 : 0, 'bool');
  log(`target: transfer rate ≥ ${String(TARGET_RATIO)} × bare stream rate: ${ratio.toFixed(3)}× ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`);
  report('files.resume_first_record_plaintext_ms', Math.round(await resumedFirstRecordMs(pair, 'plaintext')), 'ms');
  report('files.resume_first_record_sealed_ms', Math.round(await resumedFirstRecordMs(pair, 'sealed')), 'ms');
}

async function withTestnet<T>(work: (torrcFile: string) => Promise<T>): Promise<T> {
  const reuse = process.env['ALLIUM_TESTNET_TORRC'];
  if (reuse !== undefined && reuse !== '' && existsSync(reuse)) {
    log(`using the private Tor network described by ${reuse}`);
    return work(reuse);
  }
  const testnet = await startTestnet({ log: (line) => log(`[testnet] ${line}`) });
  try {
    return await work(testnet.clientTorrcFile);
  } finally {
    await testnet.stop();
  }
}

export async function run(report: Report): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'allium-bench-transfer-'));
  try {
    await withTestnet(async (torrcFile) => {
      const env = { ...process.env, ALLIUM_TORRC_EXTRA: torrcFile };
      const alice = generateOnionKey();
      const bareKey = generateOnionKey();
      const bob = generateOnionKey();
      const aliceTor: TorRuntime = createTorRuntime({ torDir: join(dir, 'alice-tor'), env });
      const bobTor: TorRuntime = createTorRuntime({ torDir: join(dir, 'bob-tor'), env });
      const listener = new OnionListener({ localAddress: alice.address, endpoint: { kind: 'unix', path: join(dir, 'alice.sock') }, isBlocked: () => false, acceptsFileStream: (peer) => peer === bob.address });
      const sender = new FileSender();
      listener.on('file-stream', (stream) => void sender.serve(stream));
      let bareServer: Server | undefined;
      try {
        const target = await listener.listen();
        bareServer = await startByteSource(join(dir, 'bare.sock'), FILE_BYTES);
        await Promise.all([aliceTor.start(), bobTor.start()]);
        await Promise.all([aliceTor.waitForBootstrap(180_000), bobTor.waitForBootstrap(180_000)]);
        await aliceTor.publish({ key: alice, virtualPort: FILE_PORT, target });
        await aliceTor.publish({ key: bareKey, virtualPort: BARE_PORT, target: { kind: 'unix', path: join(dir, 'bare.sock') } });
        await Promise.all([aliceTor.waitForReachable(alice.address, 180_000), aliceTor.waitForReachable(bareKey.address, 180_000)]);
        const socks = bobTor.socks;
        if (socks === undefined) throw new Error("Bob's tor has no SOCKS endpoint");
        log('Alice publishes a file stream and a bare byte source on one tor; Bob fetches both through the other');
        await measure({ alice, bareKey, bob, sender, socks, dir }, report);
      } finally {
        sender.close();
        listener.close();
        await settleAll('stopping the tors', [aliceTor.stop(), bobTor.stop(), ...(bareServer === undefined ? [] : [closeServer(bareServer)])]);
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
