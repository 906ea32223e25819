// One tor process for one profile: spawn it, reach its control port, take ownership, stop it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ControlConnection } from './control/index.js';
import { TorProcessError } from './errors.js';
import type { TorBinary } from './tor-binary.js';
import { buildTorrc, canUseUnixSocket, type SocksEndpointConfig } from './torrc.js';

/** Where this tor accepts SOCKS connections. */
export type SocksEndpoint = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export interface TorProcessOptions {
  readonly binary: TorBinary;
  /** Folder owned by this profile's tor: `data/` (tor's DataDirectory) and `run/` (sockets, port file). */
  readonly torDir: string;
  readonly extraLines: readonly string[];
  readonly ownerPid?: number;
  /** How long tor may take to open its control port. */
  readonly startTimeoutMs?: number;
  readonly onLog?: (line: string) => void;
}

export interface TorExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const RECENT_LOG_LINES = 40;
const STOP_GRACE_MS = 5_000;

/** A running tor with an authenticated control connection that owns it. */
export class TorProcess {
  readonly #child: ChildProcess;
  readonly #recentLog: string[];
  #stopping = false;

  private constructor(
    child: ChildProcess,
    recentLog: string[],
    readonly control: ControlConnection,
    readonly socks: SocksEndpoint,
    readonly exited: Promise<TorExit>,
  ) {
    this.#child = child;
    this.#recentLog = recentLog;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The last lines tor printed, for error reports. */
  recentLog(): string[] {
    return [...this.#recentLog];
  }

  /** Starts tor and resolves once its control port is authenticated and owns the process. */
  static async launch(options: TorProcessOptions): Promise<TorProcess> {
    const dataDirectory = join(options.torDir, 'data');
    const runDirectory = join(options.torDir, 'run');
    await mkdir(dataDirectory, { recursive: true, mode: 0o700 });
    await mkdir(runDirectory, { recursive: true, mode: 0o700 });
    const controlPortFile = join(runDirectory, 'control-port');
    const socksPath = join(runDirectory, 'socks.sock');
    await rm(controlPortFile, { force: true });
    await rm(socksPath, { force: true });

    const socksConfig: SocksEndpointConfig = canUseUnixSocket(socksPath) ? { kind: 'unix', path: socksPath } : { kind: 'tcp' };
    const torrcPath = join(options.torDir, 'torrc');
    await writeFile(
      torrcPath,
      buildTorrc({
        dataDirectory,
        socks: socksConfig,
        controlPortFile,
        ownerPid: options.ownerPid ?? process.pid,
        extraLines: options.extraLines,
      }),
      { mode: 0o600 },
    );

    const env = { ...process.env };
    if (options.binary.libraryDir !== undefined) {
      env['LD_LIBRARY_PATH'] = [options.binary.libraryDir, env['LD_LIBRARY_PATH']].filter(Boolean).join(':');
    }
    const child = spawn(options.binary.path, ['-f', torrcPath, '--ignore-missing-torrc'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
      windowsHide: true,
    });
    const recentLog: string[] = [];
    const onLine = (line: string): void => {
      recentLog.push(line);
      if (recentLog.length > RECENT_LOG_LINES) recentLog.shift();
      options.onLog?.(line);
    };
    pipeLines(child.stdout, onLine);
    pipeLines(child.stderr, onLine);
    const exited = new Promise<TorExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const spawnFailed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new TorProcessError(`Could not start tor at ${options.binary.path}.`, [], { cause: error })));
    });

    try {
      const port = await Promise.race([
        waitForControlPort(controlPortFile, exited, options.startTimeoutMs ?? 30_000),
        spawnFailed,
      ]);
      const control = await ControlConnection.connect(port);
      try {
        await control.authenticate({ cookieFile: join(dataDirectory, 'control_auth_cookie') });
        // From here on tor exits as soon as this connection closes, whatever happens to us.
        await control.takeOwnership();
        const socks = socksConfig.kind === 'unix' ? socksConfig : await readTcpSocksListener(control);
        return new TorProcess(child, recentLog, control, socks, exited);
      } catch (error) {
        await control.close();
        throw error;
      }
    } catch (error) {
      // A tor that could not be spawned at all never emits 'exit': there is nothing to wait for.
      if (child.pid !== undefined) {
        child.kill('SIGKILL');
        await exited;
      }
      if (error instanceof TorProcessError) throw new TorProcessError(error.message, recentLog, { cause: error.cause });
      throw new TorProcessError('tor started but its control port could not be used.', recentLog, { cause: error });
    }
  }

  /** Whether stop() has been called: an exit after that is expected. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /** Stops tor: closing the owning control connection makes it exit; a signal makes sure. Idempotent. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      void this.control.close();
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_GRACE_MS);
      this.#child.kill('SIGTERM');
      await this.exited;
      clearTimeout(timer);
    } else {
      await this.control.close();
    }
  }
}

function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (stream === null) return;
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) if (part.trim() !== '') onLine(part.trimEnd());
  });
}

/** Waits for tor to write `PORT=127.0.0.1:NNNN` to the control port file. */
async function waitForControlPort(file: string, exited: Promise<TorExit>, timeoutMs: number): Promise<{ host: string; port: number }> {
  let exit: TorExit | undefined;
  void exited.then((e) => (exit = e));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit !== undefined) {
      throw new TorProcessError(`tor exited before opening its control port (code ${String(exit.code)}, signal ${String(exit.signal)}).`);
    }
    const text = await readFile(file, 'utf8').catch(() => '');
    const match = /^PORT=(127\.0\.0\.1|\[::1\]):(\d+)\s*$/m.exec(text);
    if (match !== null) return { host: match[1] === '[::1]' ? '::1' : '127.0.0.1', port: Number(match[2]) };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new TorProcessError(`tor did not open its control port within ${String(timeoutMs)} ms.`);
}

async function readTcpSocksListener(control: ControlConnection): Promise<SocksEndpoint> {
  const info = await control.getInfo(['net/listeners/socks']);
  const listener = /"?(127\.0\.0\.1):(\d+)"?/.exec(info['net/listeners/socks'] ?? '');
  if (listener === null) throw new TorProcessError('tor reported no SOCKS listener.');
  return { kind: 'tcp', host: listener[1] ?? '127.0.0.1', port: Number(listener[2]) };
}
