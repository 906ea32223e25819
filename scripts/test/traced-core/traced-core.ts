// Starts a core in its own process under `strace -f`, so every socket syscall of the core and of its tor lands in one file.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import type { ApiClient } from '../../../electron/shared/api/index.js';
import { createApiClient } from '../../../electron/shared/rpc/index.js';
import { REPO_ROOT } from '../../../electron/web/repo-paths.js';
import { channelFromIpc } from './ipc-channel.js';

/**
 * -f follows every thread and child (tor, and tsx's esbuild); -s 8 cuts payload strings short so they cannot spell out
 * a sockaddr (addresses and paths print whole anyway); execve tells which pid is tor.
 */
const STRACE_ARGS = ['-f', '-qq', '-s', '8', '-e', 'signal=none', '-e', 'trace=connect,sendto,sendmsg,sendmmsg,execve'];
const CHILD_ENTRY = join(REPO_ROOT, 'scripts', 'test', 'traced-core', 'core-child.ts');
const readyMessage = z.object({ t: z.literal('ready'), pid: z.number().int().positive() });

export class StraceMissingError extends Error {
  constructor(cause: unknown) {
    super('strace is not installed, so connections cannot be recorded: apt-get install strace (CI’s .ci/run does)', { cause });
    this.name = 'StraceMissingError';
  }
}

export class TracedCoreError extends Error {
  constructor(message: string, output: string) {
    super(`${message}\n--- its output ---\n${output}`);
    this.name = 'TracedCoreError';
  }
}

export interface TracedCoreOptions {
  readonly name: string;
  readonly dataDir: string;
  readonly traceFile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly startTimeoutMs: number;
}

export interface TracedCore {
  readonly name: string;
  readonly api: ApiClient;
  readonly traceFile: string;
  /** everything the core printed so far */
  output(): string;
  /** Closes the channel and waits until the core, its tor and strace have exited, so the trace is complete. */
  stop(timeoutMs: number): Promise<void>;
}

export function assertStraceInstalled(): void {
  const probe = spawnSync('strace', ['-V'], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) throw new StraceMissingError(probe.error);
}

export async function startTracedCore({ name, dataDir, traceFile, env, startTimeoutMs }: TracedCoreOptions): Promise<TracedCore> {
  assertStraceInstalled();
  const child = spawn('strace', [...STRACE_ARGS, '-o', traceFile, process.execPath, '--import', 'tsx', CHILD_ENTRY], {
    cwd: REPO_ROOT,
    env: { ...env, ALLIUM_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const corePid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TracedCoreError(`${name}'s core did not start within ${String(startTimeoutMs)} ms`, output)), startTimeoutMs);
    const onMessage = (message: unknown): void => {
      const ready = readyMessage.safeParse(message);
      if (!ready.success) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(ready.data.pid);
    };
    child.on('message', onMessage);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new TracedCoreError(`${name}'s core exited before it was ready`, output));
    });
  });

  const connection = createApiClient(channelFromIpc(child));
  return {
    name,
    api: connection.api,
    traceFile,
    output: () => output,
    async stop(timeoutMs) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      connection.close();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const outcome = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        // The core stops its tor; killing the core is enough for tor too (__OwningControllerProcess), and strace then ends.
        process.kill(corePid, 'SIGKILL');
        await exited;
        throw new TracedCoreError(`${name}'s core did not stop within ${String(timeoutMs)} ms and was killed`, output);
      }
    },
  };
}
