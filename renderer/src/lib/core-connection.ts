// The shape of a live connection to the core as the UI state sees it: typed commands and typed events.
import type { ApiClient, ApiEvents, EventName } from '../../../electron/shared/api/index.js';

export type EventListener<E extends EventName> = (payload: ApiEvents[E]) => void;

export interface CoreConnection {
  readonly api: ApiClient;
  /** Subscribes to a core event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
}
