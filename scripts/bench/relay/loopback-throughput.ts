// Durable deposits per second: a relay process on loopback (SQLite, WAL, synchronous=FULL) under many depositors.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { RelayClient, generateQueueKey, newEnvelopeId } from '../../../electron/core/relay-client/index.js';
import { BenchFailureError } from '../peer-link/errors.js';

const CHILD = join(import.meta.dirname, '..', '..', '..', 'electron', 'relay', 'loopback-child.ts');

export interface ThroughputResult {
  readonly depositsPerSecond: number;
  readonly concurrency: number;
}

/**
 * Runs the relay's API in its own process (as in production, the depositors' work does not share its event loop)
 * and keeps `concurrency` deposits in flight, one capability per 8 of them, until `count` are answered.
 */
export async function measureLoopbackThroughput(opts: { dataDir: string; concurrency: number; warmUp: number; count: number }): Promise<ThroughputResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, opts.dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').once('data', (line: string) => resolve(line.trim()));
      child.once('exit', () => reject(new BenchFailureError('the loopback relay exited before listening')));
    });
    const client = new RelayClient({ target: { kind: 'direct', baseUrl: url } });
    try {
      const key = generateQueueKey();
      await client.createQueue(key);
      const capabilities = await Promise.all(Array.from({ length: Math.ceil(opts.concurrency / 8) }, () => client.createCapability(key)));
      const envelope = new Uint8Array(900);
      const depositAll = async (count: number): Promise<void> => {
        let started = 0;
        await Promise.all(
          Array.from({ length: opts.concurrency }, async (_, lane) => {
            const { capability } = capabilities[lane % capabilities.length]!;
            while (started < count) {
              started += 1;
              await client.deposit(capability, newEnvelopeId(), envelope);
            }
          }),
        );
      };
      await depositAll(opts.warmUp);
      const started = performance.now();
      await depositAll(opts.count);
      return { depositsPerSecond: opts.count / ((performance.now() - started) / 1_000), concurrency: opts.concurrency };
    } finally {
      client.close();
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
