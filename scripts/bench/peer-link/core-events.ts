// Waits for a core event that an action causes, listening before the action so a fast answer is never missed.
import type { Core } from '../../../electron/core/index.js';
import type { ApiEvents, EventName } from '../../../electron/shared/api/index.js';
import { within } from './deadline.js';

export interface SeenEvent<E extends EventName> {
  readonly payload: ApiEvents[E];
  /** performance.now() when the core emitted it. */
  readonly at: number;
}

/** Runs `action`, then resolves with the first `event` matching `matches` (emitted during or after the action). */
export async function eventAfter<E extends EventName>(
  core: Core,
  event: E,
  matches: (payload: ApiEvents[E]) => boolean,
  action: () => Promise<unknown>,
  timeoutMs: number,
  what: string,
): Promise<SeenEvent<E>> {
  let listener: ((payload: ApiEvents[E]) => void) | undefined;
  const seen = new Promise<SeenEvent<E>>((resolve) => {
    listener = (payload) => {
      if (matches(payload)) resolve({ payload, at: performance.now() });
    };
    core.events.on(event, listener);
  });
  try {
    await action();
    return await within(seen, timeoutMs, what);
  } finally {
    if (listener !== undefined) core.events.off(event, listener);
  }
}
