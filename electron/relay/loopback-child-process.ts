// Crash tests' relay: loopback-child.ts bundled once to plain JS, then started and SIGKILLed as a child process.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';

const REPO = join(import.meta.dirname, '..', '..');

export interface LoopbackChild {
  readonly url: string;
  readonly pid: number;
  readonly kill: () => Promise<NodeJS.Signals | null>;
  /** What the child wrote to stderr. */
  readonly errors: () => string;
}

/** Bundles the child to one file (starts through tsx would cost most of a crash test's time); returns its path and a remover. */
export async function bundleLoopbackChild(name: string): Promise<{ readonly file: string; readonly remove: () => void }> {
  const file = join(REPO, 'node_modules', '.cache', 'relay-crash-child', `${name}-${String(process.pid)}.mjs`);
  await build({
    entryPoints: [join(import.meta.dirname, 'loopback-child.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The native module is loaded from node_modules, found from the bundle's folder inside the repository.
    external: ['better-sqlite3'],
    logLevel: 'error',
  });
  return { file, remove: () => rmSync(file, { force: true }) };
}

export interface LoopbackChildOptions {
  /** Passed to the child: envelope retention and the sweep's interval. */
  readonly retentionMs?: number;
  readonly sweepEveryMs?: number;
  /** A soft limit on the size of any file the child writes (RLIMIT_FSIZE, set with util-linux's prlimit): past it writes fail with EFBIG. */
  readonly fileSizeLimit?: number;
}

/** Starts the bundled relay over `dataDir` and resolves with its URL once it listens. */
export async function startLoopbackChild(file: string, dataDir: string, options: LoopbackChildOptions = {}): Promise<LoopbackChild> {
  const args = [file, dataDir, JSON.stringify({ retentionMs: options.retentionMs, sweepEveryMs: options.sweepEveryMs })];
  const child =
    options.fileSizeLimit === undefined
      ? spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('prlimit', [`--fsize=${String(options.fileSizeLimit)}:unlimited`, process.execPath, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const started = Date.now();
  while (!output.includes('\n') && child.exitCode === null && Date.now() - started < 60_000) await sleep(5);
  if (!output.includes('\n')) throw new Error(`the relay child did not start: ${errors}`);
  return {
    url: output.trim(),
    pid: child.pid ?? 0,
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
    errors: () => errors,
  };
}
