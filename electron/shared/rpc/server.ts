// Serves the API over one channel: checks every request's shape and input, runs the handler, answers with a result or a coded error, and forwards events.
import type { z } from 'zod';
import { ApiError, commandInputs, isCommandName, type ApiErrorPayload, type ApiHandlers, type CommandName } from '../api/index.js';
import type { ApiBackend } from './backend.js';
import type { RpcChannel } from './channel.js';
import { parseRequest, salvageRequestId, type RpcEvent, type RpcResponse } from './protocol.js';

export interface ServeOptions {
  /** Where failures that are not the caller's fault are reported in full; the caller only gets a generic message. */
  readonly logError?: (context: string, error: unknown) => void;
}

export interface ApiServer {
  /** Stops answering and forwarding events; the channel is left to its owner. */
  stop(): void;
}

const INTERNAL_MESSAGE = 'Something went wrong inside Allium; the details are in its log.';

/** Answers requests arriving on `channel` with `backend` until the channel closes or `stop` is called. */
export function serveApi(channel: RpcChannel, backend: ApiBackend, options: ServeOptions = {}): ApiServer {
  const logError = options.logError ?? ((context, error) => console.error(`[rpc] ${context}`, error));
  let stopped = false;

  const send = (message: RpcResponse | RpcEvent): void => {
    if (!stopped) channel.send(message);
  };
  const fail = (id: number, error: ApiErrorPayload): void => send({ t: 'res', id, ok: false, error });

  const unsubscribe = backend.subscribe((event) => send({ t: 'evt', name: event.name, payload: event.payload }));
  const removeMessageListener = channel.onMessage((message) => {
    if (stopped) return;
    const request = parseRequest(message);
    if (request === undefined) {
      // A request we cannot read is answered when it names an id, so its caller does not wait forever; anything else is noise.
      const id = salvageRequestId(message);
      if (id !== undefined) fail(id, { code: 'invalid-input', message: 'The request is malformed: expected { t: "req", id, cmd, input }.' });
      return;
    }
    const { id, cmd, input } = request;
    if (!isCommandName(cmd)) {
      fail(id, { code: 'unknown-command', message: `There is no command named "${cmd}".` });
      return;
    }
    const parsed = commandInputs[cmd].safeParse(input);
    if (!parsed.success) {
      fail(id, { code: 'invalid-input', message: describeInputError(parsed.error) });
      return;
    }
    runHandler(backend.handlers, cmd, parsed.data).then(
      (result) => send({ t: 'res', id, ok: true, result }),
      (error: unknown) => {
        if (error instanceof ApiError) {
          fail(id, error.toPayload());
        } else {
          logError(`command ${cmd} failed`, error);
          fail(id, { code: 'internal', message: INTERNAL_MESSAGE });
        }
      },
    );
  });

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    removeMessageListener();
    removeCloseListener();
  };
  const removeCloseListener = channel.onClose(stop);
  return { stop };
}

/** TypeScript cannot tie `handlers[cmd]` to the input parsed for the same `cmd`; the schema lookup above guarantees it. */
function runHandler(handlers: ApiHandlers, cmd: CommandName, input: unknown): Promise<unknown> {
  const handler = handlers[cmd] as (input: unknown) => Promise<unknown>;
  try {
    return Promise.resolve(handler(input));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error('handler threw a non-error', { cause: error }));
  }
}

/** Names the first field at fault, e.g. `text: The message is empty`, so the UI can point at it. */
export function describeInputError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'The input is invalid.';
  const field = issue.path.map(String).join('.');
  return `${field === '' ? 'input' : field}: ${issue.message}`;
}
