// Test support: an ApiBackend that answers the commands a test gives, refuses (or hangs) the rest, and emits what the test sends.
import { ApiError, commandInputs, type ApiHandlers, type CommandName } from '../api/index.js';
import type { AnyApiEvent, ApiBackend } from './backend.js';

export interface TestBackend {
  readonly backend: ApiBackend;
  /** Who listens now: one entry per served connection. */
  readonly subscribers: ReadonlySet<(event: AnyApiEvent) => void>;
  readonly emit: (event: AnyApiEvent) => void;
}

const locked = (): Promise<never> => Promise.reject(new ApiError('locked', 'Unlock a profile first.'));

/** Commands not in `handlers` answer with `otherwise`: a locked profile's refusal unless told otherwise. */
export function testBackend(handlers: Partial<ApiHandlers>, otherwise: () => Promise<never> = locked): TestBackend {
  const subscribers = new Set<(event: AnyApiEvent) => void>();
  const refusing = Object.fromEntries((Object.keys(commandInputs) as CommandName[]).map((cmd) => [cmd, otherwise])) as unknown as ApiHandlers;
  return {
    backend: {
      handlers: { ...refusing, ...handlers },
      subscribe(listener) {
        subscribers.add(listener);
        return () => subscribers.delete(listener);
      },
    },
    subscribers,
    emit: (event) => subscribers.forEach((listener) => listener(event)),
  };
}
