// One tor child process: spawned from a torrc, its output drained and remembered, stopped for sure.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const TAIL_LINES = 15;
const TERM_GRACE_MS = 4_000;

export interface TorExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

export class TorProcess {
  readonly pid: number | undefined;
  /** resolves once the process has exited (or failed to spawn); never rejects */
  readonly exited: Promise<TorExit>;
  #exit: TorExit | undefined;
  readonly #child: ChildProcess;
  readonly #tail: string[] = [];
  readonly #lineListeners = new Set<(line: string) => void>();

  constructor(
    readonly name: string,
    torBinary: string,
    torrcPath: string,
  ) {
    this.#child = spawn(torBinary, ['-f', torrcPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.#child.pid;
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => resolve((this.#exit = { code, signal })));
      this.#child.once('error', (error) => resolve((this.#exit = { code: null, signal: null, error })));
    });
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      if (stream !== null) createInterface({ input: stream }).on('line', (line) => this.#onLine(line));
    }
  }

  get hasExited(): boolean {
    return this.#exit !== undefined;
  }

  /** the last lines tor wrote to stdout/stderr, for error messages */
  get tail(): readonly string[] {
    return this.#tail;
  }

  describeExit(): string {
    const exit = this.#exit;
    if (exit === undefined) return `${this.name} (pid ${this.pid ?? '?'}) is running`;
    if (exit.error !== undefined) return `${this.name} failed to start: ${exit.error.message}`;
    return `${this.name} (pid ${this.pid ?? '?'}) exited with ${exit.signal ?? `code ${exit.code ?? '?'}`}`;
  }

  /** Resolves with the first output line matching `pattern`, including lines already seen. */
  waitForLine(pattern: RegExp): Promise<string> {
    const seen = this.#tail.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const listener = (line: string): void => {
        if (!pattern.test(line)) return;
        this.#lineListeners.delete(listener);
        resolve(line);
      };
      this.#lineListeners.add(listener);
    });
  }

  /** SIGTERM, then SIGKILL if tor is still there after a grace period; resolves once it has exited. */
  async stop(): Promise<void> {
    if (this.hasExited) return;
    this.#child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace over'>((resolve) => (timer = setTimeout(() => resolve('grace over'), TERM_GRACE_MS)));
    const outcome = await Promise.race([this.exited, graceOver]);
    clearTimeout(timer);
    if (outcome === 'grace over') {
      this.#child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Last resort from a synchronous 'exit' handler: no waiting possible. */
  killNow(): void {
    if (!this.hasExited) this.#child.kill('SIGKILL');
  }

  #onLine(line: string): void {
    this.#tail.push(line);
    if (this.#tail.length > TAIL_LINES) this.#tail.shift();
    for (const listener of [...this.#lineListeners]) listener(line);
  }
}
