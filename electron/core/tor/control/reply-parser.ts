// Sans-io incremental parser of tor control replies (control-spec §2.3): bytes in, complete replies out.
import { ControlProtocolError } from './errors.js';

/** One line of a reply; `data` is the un-dot-stuffed block that follows a `+` line, lines joined by LF. */
export interface ReplyLine {
  readonly status: number;
  readonly text: string;
  readonly data?: string;
}

/** A complete reply: every line shares one status code. */
export interface ParsedReply {
  readonly status: number;
  readonly lines: readonly ReplyLine[];
}

export interface ReplyParserLimits {
  /** Longest line accepted, in bytes, without its line ending. */
  readonly maxLineBytes: number;
  /** Most bytes one reply may span, data blocks included. */
  readonly maxReplyBytes: number;
}

const LF = 0x0a;
const CR = 0x0d;

interface DataBlock {
  readonly status: number;
  readonly text: string;
  readonly lines: string[];
}

export class ReplyParser {
  readonly #limits: ReplyParserLimits;
  /** Bytes of the line not yet terminated by LF. */
  #partial: Buffer[] = [];
  #partialBytes = 0;
  /** Lines of the reply being read; `#status` is their shared code. */
  #lines: ReplyLine[] = [];
  #status: number | undefined;
  #replyBytes = 0;
  #data: DataBlock | undefined;
  /** Once tor has broken the protocol the stream cannot be resynchronised, so the failure sticks. */
  #failure: ControlProtocolError | undefined;

  constructor(limits: ReplyParserLimits) {
    this.#limits = limits;
  }

  /** Feeds bytes as they arrive; returns the replies they complete, in order. */
  push(chunk: Buffer): ParsedReply[] {
    if (this.#failure) throw this.#failure;
    const replies: ParsedReply[] = [];
    try {
      let start = 0;
      while (start < chunk.length) {
        const newline = chunk.indexOf(LF, start);
        if (newline === -1) {
          this.#keepPartial(chunk.subarray(start));
          break;
        }
        const piece = chunk.subarray(start, newline);
        start = newline + 1;
        const line = this.#takeLine(piece);
        const reply = this.#acceptLine(line);
        if (reply) replies.push(reply);
      }
    } catch (error) {
      this.#failure =
        error instanceof ControlProtocolError
          ? error
          : new ControlProtocolError('tor control reply could not be parsed', { cause: error });
      throw this.#failure;
    }
    return replies;
  }

  /** Declares the stream finished; throws if it stopped in the middle of a line, reply or data block. */
  end(): void {
    if (this.#failure) throw this.#failure;
    if (this.#data) {
      this.#failure = new ControlProtocolError('tor closed the connection inside an unterminated data block');
    } else if (this.#partialBytes > 0 || this.#lines.length > 0) {
      this.#failure = new ControlProtocolError('tor closed the connection in the middle of a reply');
    }
    if (this.#failure) throw this.#failure;
  }

  #keepPartial(bytes: Buffer): void {
    this.#partial.push(bytes);
    this.#partialBytes += bytes.length;
    // A trailing CR may still turn out to be part of the CRLF, so it does not count yet.
    const counted = bytes.at(-1) === CR ? this.#partialBytes - 1 : this.#partialBytes;
    if (counted > this.#limits.maxLineBytes) throw lineTooLong(this.#limits.maxLineBytes);
  }

  #takeLine(piece: Buffer): string {
    let bytes = this.#partial.length === 0 ? piece : Buffer.concat([...this.#partial, piece]);
    this.#partial = [];
    this.#partialBytes = 0;
    if (bytes.at(-1) === CR) bytes = bytes.subarray(0, -1);
    if (bytes.length > this.#limits.maxLineBytes) throw lineTooLong(this.#limits.maxLineBytes);
    this.#replyBytes += bytes.length + 2;
    if (this.#replyBytes > this.#limits.maxReplyBytes) {
      throw new ControlProtocolError(`tor sent a reply longer than ${String(this.#limits.maxReplyBytes)} bytes`);
    }
    return bytes.toString('utf8');
  }

  #acceptLine(line: string): ParsedReply | undefined {
    if (this.#data) {
      this.#acceptDataLine(this.#data, line);
      return undefined;
    }
    const match = /^(\d{3})([ +-])/.exec(line);
    if (!match) throw new ControlProtocolError(`tor sent a line that is not a reply line: ${JSON.stringify(clip(line))}`);
    const status = Number(match[1]);
    const separator = match[2];
    const text = line.slice(4);
    if (this.#status !== undefined && this.#status !== status) {
      throw new ControlProtocolError(
        `tor changed the status code within one reply from ${String(this.#status)} to ${String(status)}`,
      );
    }
    this.#status = status;
    if (separator === '+') {
      this.#data = { status, text, lines: [] };
      return undefined;
    }
    this.#lines.push({ status, text });
    return separator === ' ' ? this.#finishReply(status) : undefined;
  }

  #acceptDataLine(block: DataBlock, line: string): void {
    if (line === '.') {
      this.#lines.push({ status: block.status, text: block.text, data: block.lines.join('\n') });
      this.#data = undefined;
      return;
    }
    block.lines.push(line.startsWith('.') ? line.slice(1) : line);
  }

  #finishReply(status: number): ParsedReply {
    const reply: ParsedReply = { status, lines: this.#lines };
    this.#lines = [];
    this.#status = undefined;
    this.#replyBytes = 0;
    return reply;
  }
}

function lineTooLong(limit: number): ControlProtocolError {
  return new ControlProtocolError(`tor sent a line longer than ${String(limit)} bytes`);
}

function clip(line: string): string {
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}
