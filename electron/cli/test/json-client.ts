// A terminal client run as a child process in --json mode, for tests: its lines kept, commands written to stdin, answers awaited by line number.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

/** One line the client printed, parsed. */
export interface JsonLine {
  readonly type: 'notice' | 'event' | 'result' | 'progress' | 'ask';
  readonly [key: string]: unknown;
}

export interface ResultLine extends JsonLine {
  readonly type: 'result';
  readonly command: string;
  readonly line?: number;
  readonly ok: boolean;
  readonly data?: unknown;
  readonly text?: readonly string[];
  readonly code?: string;
  readonly message?: string;
}

interface Waiter {
  readonly test: (line: JsonLine) => boolean;
  readonly resolve: (line: JsonLine) => void;
}

export class JsonClient {
  readonly lines: JsonLine[] = [];
  readonly child: ChildProcessWithoutNullStreams;
  readonly #waiters = new Set<Waiter>();
  readonly exited: Promise<number | null>;
  #commands = 0;
  stderr = '';

  constructor(
    readonly name: string,
    dataDir: string,
    env: NodeJS.ProcessEnv,
    logFile?: string,
  ) {
    const args = ['--import', 'tsx', MAIN, '--json', '--data', dataDir, ...(logFile === undefined ? [] : ['--log', logFile])];
    this.child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    createInterface({ input: this.child.stdout }).on('line', (text) => {
      let line: JsonLine;
      try {
        line = JSON.parse(text) as JsonLine;
      } catch {
        throw new Error(`${name} printed a line that is not JSON: ${text}`);
      }
      this.lines.push(line);
      for (const waiter of this.#waiters) {
        if (waiter.test(line)) {
          this.#waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** The first line (already printed or still to come) that passes `test`. */
  until(test: (line: JsonLine) => boolean, what: string, timeoutMs: number): Promise<JsonLine> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        test,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`${this.name}: no ${what} within ${String(timeoutMs)} ms; last lines:\n${this.lines.slice(-8).map((l) => JSON.stringify(l).slice(0, 300)).join('\n')}\n${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Answers a question of sign-in (the client asks it as `{ type: 'ask', field }`). */
  answer(text: string): void {
    this.child.stdin.write(`${text}\n`);
  }

  /** Writes one command line and resolves with its result. */
  async command(text: string, timeoutMs = 60_000): Promise<ResultLine> {
    const number = ++this.#commands;
    this.child.stdin.write(`${text}\n`);
    return (await this.until((l) => l.type === 'result' && l['line'] === number, `answer to "${text}"`, timeoutMs)) as ResultLine;
  }

  /** A command that must succeed; its data. */
  async ok<T = unknown>(text: string, timeoutMs?: number): Promise<T> {
    const result = await this.command(text, timeoutMs);
    if (!result.ok) throw new Error(`${this.name}: "${text}" failed: ${String(result.code)} ${String(result.message)}`);
    return result.data as T;
  }

  /** Every event of one name, as far as printed. */
  events(name: string): JsonLine[] {
    return this.lines.filter((l) => l.type === 'event' && l['name'] === name);
  }

  /** Ends input (the client then stops its core) and waits for the exit. */
  async quit(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }
}
