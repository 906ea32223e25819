// One connection to tor's control port: a FIFO of commands with one in flight, async events, timeouts, authentication.
import { EventEmitter } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { authenticate, type AuthenticateOptions } from './authenticate.js';
import { encodeCommand } from './command-encoding.js';
import { isAsyncReply, parseEvent, type ControlEvent } from './control-event.js';
import {
  ControlClosedError,
  ControlProtocolError,
  ControlTimeoutError,
  InvalidControlCommandError,
  redactCommand,
  TorControlError,
} from './errors.js';
import { ReplyParser, type ParsedReply } from './reply-parser.js';

export type ControlTarget = { readonly host: string; readonly port: number } | { readonly path: string };

export interface ControlConnectionOptions {
  /** How long one command may wait for its reply once sent; default 15 s. */
  readonly commandTimeoutMs?: number;
  /** How long connecting may take; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Longest reply line accepted; default 1 MiB. */
  readonly maxLineBytes?: number;
  /** Largest reply accepted, data blocks included; default 64 MiB (GETINFO ns/all is a few MiB). */
  readonly maxReplyBytes?: number;
}

export interface CommandOptions {
  readonly timeoutMs?: number;
  /** Sends the command in its multi-line form with this data block. */
  readonly data?: string;
}

export interface ControlConnectionEvents {
  /** An asynchronous event subscribed to with {@link ControlConnection.setEvents}. */
  event: [event: ControlEvent];
  /** Fired once when the connection is gone; `error` says why if it was not a plain close. */
  close: [error: Error | undefined];
}

interface PendingCommand {
  readonly line: string;
  readonly bytes: string;
  readonly timeoutMs: number;
  readonly resolve: (reply: ParsedReply) => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

const DEFAULTS = {
  commandTimeoutMs: 15_000,
  connectTimeoutMs: 10_000,
  maxLineBytes: 1024 * 1024,
  maxReplyBytes: 64 * 1024 * 1024,
};
const KEYWORD = /^[A-Z0-9_]+$/;

export class ControlConnection extends EventEmitter<ControlConnectionEvents> {
  readonly #socket: Socket;
  readonly #parser: ReplyParser;
  readonly #commandTimeoutMs: number;
  readonly #queue: PendingCommand[] = [];
  #inFlight: PendingCommand | undefined;
  #closing = false;
  #closeError: Error | undefined;
  readonly #closed: Promise<void>;

  /** Opens a TCP or unix-socket connection to tor's control port. It still needs {@link authenticate}. */
  static connect(target: ControlTarget, options: ControlConnectionOptions = {}): Promise<ControlConnection> {
    const where = 'path' in target ? target.path : `${target.host}:${String(target.port)}`;
    const timeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    return new Promise((resolve, reject) => {
      const socket = 'path' in target ? createConnection({ path: target.path }) : createConnection(target.port, target.host);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ControlClosedError(`could not reach tor's control port at ${where} within ${String(timeoutMs)} ms`));
      }, timeoutMs);
      const onError = (error: Error): void => {
        clearTimeout(timer);
        reject(new ControlClosedError(`could not connect to tor's control port at ${where}`, { cause: error }));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new ControlConnection(socket, options));
      });
    });
  }

  private constructor(socket: Socket, options: ControlConnectionOptions) {
    super();
    this.#socket = socket;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs;
    this.#parser = new ReplyParser({
      maxLineBytes: options.maxLineBytes ?? DEFAULTS.maxLineBytes,
      maxReplyBytes: options.maxReplyBytes ?? DEFAULTS.maxReplyBytes,
    });
    this.#closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#shutDown();
        resolve();
        this.emit('close', this.#closeError);
      });
    });
    socket.on('data', (chunk: Buffer) => {
      this.#onData(chunk);
    });
    socket.on('end', () => {
      this.#onEnd();
    });
    socket.on('error', (error) => {
      this.#fail(error);
    });
  }

  /** True once the connection is closing or closed; every command from then on is refused. */
  get closed(): boolean {
    return this.#closing;
  }

  /**
   * Sends one command; resolves with its reply, rejects with TorControlError on 4xx/5xx.
   * Commands run one at a time in call order. A timeout closes the connection, since a late
   * reply would otherwise be taken for the answer to the next command.
   */
  command(line: string, options: CommandOptions = {}): Promise<ParsedReply> {
    let bytes: string;
    try {
      bytes = encodeCommand(line, options.data);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new InvalidControlCommandError(String(error)));
    }
    const timeoutMs = options.timeoutMs ?? this.#commandTimeoutMs;
    if (!(timeoutMs > 0)) {
      return Promise.reject(new RangeError(`command timeout must be a positive number of ms, not ${String(timeoutMs)}`));
    }
    if (this.#closing) {
      return Promise.reject(
        new ControlClosedError(`the tor control connection is closed; cannot send "${redactCommand(line)}"`, {
          cause: this.#closeError,
        }),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ line, bytes, timeoutMs, resolve, reject });
      this.#sendNext();
    });
  }

  /** PROTOCOLINFO, then SAFECOOKIE with tor's cookie (or a password, or NULL when tor asks for nothing). */
  authenticate(options: AuthenticateOptions = {}): Promise<void> {
    return authenticate((line) => this.command(line), options);
  }

  /** GETINFO for several keys at once; both `key=value` lines and `key=` data blocks are understood. */
  async getInfo(keys: readonly string[]): Promise<Record<string, string>> {
    if (keys.length === 0) throw new InvalidControlCommandError('GETINFO needs at least one key');
    const bad = keys.find((key) => !/^[^\s"]+$/.test(key));
    if (bad !== undefined) throw new InvalidControlCommandError(`GETINFO key ${JSON.stringify(bad)} is not a single word`);
    const reply = await this.command(`GETINFO ${keys.join(' ')}`);
    const values = new Map<string, string>();
    for (const line of reply.lines) {
      const equals = line.text.indexOf('=');
      if (line.data !== undefined) {
        values.set(equals === -1 ? line.text : line.text.slice(0, equals), line.data);
      } else if (equals !== -1) {
        values.set(line.text.slice(0, equals), line.text.slice(equals + 1));
      }
    }
    const missing = keys.find((key) => !values.has(key));
    if (missing !== undefined) throw new ControlProtocolError(`tor's GETINFO reply has no value for "${missing}"`);
    return Object.fromEntries(values);
  }

  /** Subscribes to exactly these asynchronous events (an empty list unsubscribes from all). */
  async setEvents(types: readonly string[]): Promise<void> {
    const bad = types.find((type) => !KEYWORD.test(type));
    if (bad !== undefined) throw new InvalidControlCommandError(`${JSON.stringify(bad)} is not a tor event name`);
    await this.command(types.length === 0 ? 'SETEVENTS' : `SETEVENTS ${types.join(' ')}`);
  }

  /** Makes tor exit when this connection closes (pairs with `__OwningControllerProcess` in torrc). */
  async takeOwnership(): Promise<void> {
    await this.command('TAKEOWNERSHIP');
  }

  /** Sends a SIGNAL such as NEWNYM, RELOAD or SHUTDOWN. */
  async signal(name: string): Promise<void> {
    if (!KEYWORD.test(name)) throw new InvalidControlCommandError(`${JSON.stringify(name)} is not a tor signal name`);
    await this.command(`SIGNAL ${name}`);
  }

  /** Closes the connection; pending and queued commands reject with ControlClosedError. Safe to call twice. */
  close(): Promise<void> {
    this.#shutDown();
    return this.#closed;
  }

  #sendNext(): void {
    if (this.#inFlight || this.#closing) return;
    const next = this.#queue.shift();
    if (!next) return;
    this.#inFlight = next;
    next.timer = setTimeout(() => {
      this.#onTimeout(next);
    }, next.timeoutMs);
    this.#socket.write(next.bytes);
  }

  #onTimeout(pending: PendingCommand): void {
    if (this.#inFlight !== pending) return;
    this.#inFlight = undefined;
    const error = new ControlTimeoutError(pending.line, pending.timeoutMs);
    pending.reject(error);
    this.#fail(error);
  }

  #onData(chunk: Buffer): void {
    let replies: ParsedReply[];
    try {
      replies = this.#parser.push(chunk);
    } catch (error) {
      this.#fail(asError(error));
      return;
    }
    for (const reply of replies) {
      if (this.#closing) return;
      this.#dispatch(reply);
    }
  }

  #dispatch(reply: ParsedReply): void {
    if (isAsyncReply(reply)) {
      let event: ControlEvent;
      try {
        event = parseEvent(reply);
      } catch (error) {
        this.#fail(asError(error));
        return;
      }
      this.emit('event', event);
      return;
    }
    const pending = this.#inFlight;
    if (!pending) {
      this.#fail(new ControlProtocolError(`tor sent a ${String(reply.status)} reply when no command was waiting`));
      return;
    }
    this.#inFlight = undefined;
    clearTimeout(pending.timer);
    if (reply.status >= 400) {
      pending.reject(new TorControlError(pending.line, reply.status, reply.lines.map((line) => line.text).join('\n')));
    } else {
      pending.resolve(reply);
    }
    this.#sendNext();
  }

  #onEnd(): void {
    try {
      this.#parser.end();
    } catch (error) {
      this.#closeError ??= asError(error);
    }
  }

  #fail(error: Error): void {
    this.#closeError ??= error;
    this.#shutDown();
  }

  #shutDown(): void {
    if (this.#closing) return;
    this.#closing = true;
    const cause = this.#closeError;
    const inFlight = this.#inFlight;
    this.#inFlight = undefined;
    const waiting = inFlight ? [inFlight, ...this.#queue] : [...this.#queue];
    this.#queue.length = 0;
    for (const pending of waiting) {
      clearTimeout(pending.timer);
      pending.reject(
        new ControlClosedError(
          `the tor control connection closed before "${redactCommand(pending.line)}" was answered`,
          cause ? { cause } : undefined,
        ),
      );
    }
    this.#socket.destroy();
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new ControlProtocolError(String(error));
}
