// Where the client's words go: a terminal (lines above the prompt) or `--json` (one JSON object per line on stdout).
import type { ApiErrorCode } from '../shared/api/index.js';
import type { AnyApiEvent } from '../shared/rpc/index.js';
import type { Reply } from './actions.js';
import type { EventText } from './event-text.js';
import { safeText } from './safe-text.js';
import type { TerminalScreen, Writable } from './screen.js';

/** Refusals of the client itself, next to the API's codes: a line it could not read, a name or file it could not find. */
export type CliErrorCode = 'usage' | 'refused';

export interface Output {
  /** The client's own words: sign-in steps, greetings. */
  notice(text: string): void;
  /** Everything the core pushes (JSON prints each one; the terminal those with words). */
  event(event: AnyApiEvent, text: EventText | undefined): void;
  /** The answer to one command line (`line`: its number, counted from 1 after sign-in; absent for a later SAVE and for sign-in). */
  result(command: string, reply: Reply, line?: number): void;
  failure(command: string, code: ApiErrorCode | CliErrorCode, message: string, line?: number): void;
  progress(key: string, text: string): void;
  /** A question whose answer is the next input line (JSON: `field` names it). */
  ask(field: string, question: string): void;
  /** An empty line was entered: the terminal shows its prompt again. */
  idle(): void;
}

export function terminalOutput(screen: TerminalScreen): Output {
  return {
    notice: (text) => screen.print(text),
    event: (_event, text) => {
      if (text === undefined) return;
      if (text.progressKey === undefined) screen.print(text.text);
      else screen.progress(text.progressKey, text.text);
    },
    result: (_command, reply) => {
      if (reply.lines.length > 0) screen.print(reply.lines.join('\n'));
    },
    // A refusal may quote what a relay or peer said: printed as safely as their own text.
    failure: (_command, _code, message) => screen.print(safeText(message)),
    progress: (key, text) => screen.progress(key, text),
    // The terminal's line reader shows the question as its prompt.
    ask: () => undefined,
    idle: () => screen.redraw(),
  };
}

export function jsonOutput(out: Writable): Output {
  const write = (value: object): void => {
    out.write(`${JSON.stringify(value)}\n`);
  };
  return {
    notice: (text) => write({ type: 'notice', text }),
    event: (event, text) => write({ type: 'event', name: event.name, payload: event.payload, ...(text === undefined ? {} : { text: text.text }) }),
    result: (command, reply, line) => write({ type: 'result', command, ...(line === undefined ? {} : { line }), ok: true, data: reply.data ?? null, text: reply.lines }),
    failure: (command, code, message, line) => write({ type: 'result', command, ...(line === undefined ? {} : { line }), ok: false, code, message }),
    progress: (key, text) => write({ type: 'progress', key, text }),
    ask: (field, question) => write({ type: 'ask', field, text: question }),
    idle: () => undefined,
  };
}
