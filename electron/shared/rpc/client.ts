// The UI's side of the RPC: a typed ApiClient whose calls travel over a channel and settle with results or ApiErrors.
import {
  ApiError,
  EVENT_NAMES,
  commandInputs,
  isApiErrorCode,
  type ApiClient,
  type ApiEvents,
  type CommandName,
  type EventName,
} from '../api/index.js';
import type { RpcChannel } from './channel.js';
import { parseEvent, parseResponse, type RpcRequest } from './protocol.js';

export interface ApiClientOptions {
  /** Calls without an answer after this long reject with `timeout`; no limit when absent. */
  readonly timeoutMs?: number;
}

export interface ApiConnection {
  readonly api: ApiClient;
  /** Listens to one event; returns a function that stops listening. */
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  /** Called once when the channel closes. Returns a function that stops listening. */
  onDisconnect(listener: () => void): () => void;
  /** Closes the channel; pending calls reject with `disconnected`. */
  close(): void;
}

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: ApiError) => void;
  readonly timer: ReturnType<typeof setTimeout> | undefined;
}

type AnyListener = (payload: unknown) => void;

const EVENT_NAME_SET: ReadonlySet<string> = new Set(EVENT_NAMES);

export function createApiClient(channel: RpcChannel, options: ApiClientOptions = {}): ApiConnection {
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<AnyListener>>();
  const disconnectListeners = new Set<() => void>();
  let nextId = 1;
  let closed = false;

  channel.onMessage((message) => {
    const response = parseResponse(message);
    if (response !== undefined) {
      const call = pending.get(response.id);
      if (call === undefined) return;
      pending.delete(response.id);
      if (call.timer !== undefined) clearTimeout(call.timer);
      if (response.ok) call.resolve(response.result);
      else call.reject(new ApiError(isApiErrorCode(response.error.code) ? response.error.code : 'internal', response.error.message));
      return;
    }
    const event = parseEvent(message);
    if (event === undefined || !EVENT_NAME_SET.has(event.name)) return;
    for (const listener of listeners.get(event.name) ?? []) {
      try {
        listener(event.payload);
      } catch (error) {
        // One broken listener must not stop the others from hearing the event.
        console.error(`[rpc] listener for ${event.name} threw`, error);
      }
    }
  });

  const disconnect = (): void => {
    if (closed) return;
    closed = true;
    for (const [id, call] of pending) {
      if (call.timer !== undefined) clearTimeout(call.timer);
      call.reject(new ApiError('disconnected', 'The connection to the Allium core closed before it answered.'));
      pending.delete(id);
    }
    for (const listener of disconnectListeners) listener();
    disconnectListeners.clear();
  };
  channel.onClose(disconnect);

  const call = (cmd: CommandName, input: unknown): Promise<unknown> => {
    if (closed) return Promise.reject(new ApiError('disconnected', 'The connection to the Allium core is closed.'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              pending.delete(id);
              reject(new ApiError('timeout', `The Allium core did not answer "${cmd}" within ${options.timeoutMs} ms.`));
            }, options.timeoutMs);
      pending.set(id, { resolve, reject, timer });
      const request: RpcRequest = { t: 'req', id, cmd, input };
      channel.send(request);
    });
  };

  // Built from the contract's command list, so a command added there is callable here with no other change.
  const api = Object.fromEntries((Object.keys(commandInputs) as CommandName[]).map((cmd) => [cmd, (input: unknown) => call(cmd, input)])) as ApiClient;

  return {
    api,
    on(event, listener) {
      let set = listeners.get(event);
      if (set === undefined) {
        set = new Set();
        listeners.set(event, set);
      }
      const entry = listener as AnyListener;
      set.add(entry);
      return () => set.delete(entry);
    },
    onDisconnect(listener) {
      if (closed) {
        listener();
        return () => undefined;
      }
      disconnectListeners.add(listener);
      return () => disconnectListeners.delete(listener);
    },
    close() {
      // Settle pending calls now even if the channel reports its closing late.
      disconnect();
      channel.close();
    },
  };
}
