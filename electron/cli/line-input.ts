// Input lines as a queue one can await: from a terminal (readline with a prompt, echo off for passwords) or from plain stdin for --json.
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

export interface LineInput {
  /** The next line, or undefined once input has ended (Ctrl-D, Ctrl-C, end of stdin). */
  next(): Promise<string | undefined>;
  /** Shows `question` and reads the answer; `secret` answers are not echoed. */
  ask(question: string, secret: boolean): Promise<string | undefined>;
  close(): void;
}

class LineQueue {
  readonly #lines: string[] = [];
  readonly #waiting: ((line: string | undefined) => void)[] = [];
  #ended = false;

  push(line: string): void {
    const waiter = this.#waiting.shift();
    if (waiter === undefined) this.#lines.push(line);
    else waiter(line);
  }

  end(): void {
    this.#ended = true;
    for (const waiter of this.#waiting.splice(0)) waiter(undefined);
  }

  next(): Promise<string | undefined> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

function queueOf(rl: Interface): LineQueue {
  const queue = new LineQueue();
  rl.on('line', (line) => queue.push(line));
  rl.on('close', () => queue.end());
  return queue;
}

/** Lines of a pipe, for --json: questions are the Output's to announce, never echoed. */
export function plainInput(input: NodeJS.ReadableStream): LineInput {
  const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
  const queue = queueOf(rl);
  return { next: () => queue.next(), ask: () => queue.next(), close: () => rl.close() };
}

export interface TerminalInput extends LineInput {
  readonly readline: Interface;
}

/** A readline on the terminal; its echo goes through a switch so a password is typed unseen. */
export function terminalInput(input: NodeJS.ReadableStream, output: NodeJS.WriteStream): TerminalInput {
  let muted = false;
  const echo = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  // readline asks its output for the width to wrap long lines.
  Object.defineProperty(echo, 'columns', { get: () => output.columns });
  const rl = createInterface({ input, output: echo, terminal: true, prompt: '> ' });
  rl.on('SIGINT', () => rl.close());
  const queue = queueOf(rl);
  return {
    readline: rl,
    next: () => queue.next(),
    async ask(question, secret) {
      rl.setPrompt(question);
      rl.prompt();
      muted = secret;
      const line = await queue.next();
      if (secret) {
        muted = false;
        output.write('\n');
      }
      rl.setPrompt('> ');
      return line;
    },
    close: () => rl.close(),
  };
}
