// What an RPC server serves: the core's command handlers and a feed of its events.
import { EVENT_NAMES, type ApiEvents, type ApiHandlers, type EventName } from '../api/index.js';

/** Any event with its payload, as a union so a listener can switch on the name. */
export type AnyApiEvent = { [E in EventName]: { readonly name: E; readonly payload: ApiEvents[E] } }[EventName];

export interface ApiBackend {
  readonly handlers: ApiHandlers;
  /** Every event the core emits goes to `listener` until the returned function is called. */
  subscribe(listener: (event: AnyApiEvent) => void): () => void;
}

/** The core's typed event emitter, as `createCore` returns it. */
export interface CoreEvents {
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): void;
  off<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): void;
}

/** The parts of the core facade a transport needs. */
export interface CoreLike {
  readonly handlers: ApiHandlers;
  readonly events: CoreEvents;
}

/** Adapts the core facade to a backend: one subscription per event name, all removed together. */
export function backendFromCore(core: CoreLike): ApiBackend {
  return {
    handlers: core.handlers,
    subscribe(listener) {
      const removers = EVENT_NAMES.map((name) => subscribeOne(core.events, name, listener));
      return () => {
        for (const remove of removers) remove();
      };
    },
  };
}

function subscribeOne<E extends EventName>(events: CoreEvents, name: E, listener: (event: AnyApiEvent) => void): () => void {
  const forward = (payload: ApiEvents[E]): void => listener({ name, payload } as AnyApiEvent);
  events.on(name, forward);
  return () => events.off(name, forward);
}
