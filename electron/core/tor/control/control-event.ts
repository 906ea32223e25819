// Shapes an asynchronous (6xx) reply into a typed event: its type keyword, its arguments and its raw lines.
import { ControlProtocolError } from './errors.js';
import type { ParsedReply, ReplyLine } from './reply-parser.js';
import { parseReplyArgs, type ReplyArgs } from './reply-values.js';

/** An asynchronous event such as `650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=50 ...` (control-spec §4.1). */
export interface ControlEvent {
  /** The event keyword, e.g. `STATUS_CLIENT`, `HS_DESC`, `CIRC`. */
  readonly type: string;
  /** The first line after the keyword: positional words then KEY=value pairs. */
  readonly args: ReplyArgs;
  /** Every line of the event as tor sent it, data blocks included (multi-line events such as CONF_CHANGED). */
  readonly lines: readonly ReplyLine[];
}

/** True for replies tor sends on its own rather than in answer to a command. */
export function isAsyncReply(reply: ParsedReply): boolean {
  return reply.status >= 600 && reply.status <= 699;
}

export function parseEvent(reply: ParsedReply): ControlEvent {
  const first = reply.lines[0]?.text ?? '';
  const space = first.indexOf(' ');
  const type = space === -1 ? first : first.slice(0, space);
  if (!/^[A-Z0-9_]+$/.test(type)) throw new ControlProtocolError(`tor sent an event without a type: ${JSON.stringify(first.slice(0, 80))}`);
  return { type, args: parseReplyArgs(space === -1 ? '' : first.slice(space + 1)), lines: reply.lines };
}
