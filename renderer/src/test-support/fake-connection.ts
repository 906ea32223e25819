// Test support: a real RPC client and server joined in memory, with the screenshot fake core behind the server.
import { createApiClient, serveApi, type ApiConnection, type RpcChannel } from '../../../electron/shared/rpc/index.js';
import { createFakeCore, type FakeCore, type FakeScenario } from '../../screenshots/fake-core.js';

/** Two ends of an in-memory channel; messages go through structuredClone as they would through a MessagePort. */
function channelPair(): [RpcChannel, RpcChannel] {
  const listeners: [Set<(message: unknown) => void>, Set<(message: unknown) => void>] = [new Set(), new Set()];
  const end = (mine: 0 | 1): RpcChannel => ({
    send: (message) => queueMicrotask(() => listeners[mine === 0 ? 1 : 0].forEach((listener) => listener(structuredClone(message)))),
    onMessage(listener) {
      listeners[mine].add(listener);
      return () => listeners[mine].delete(listener);
    },
    onClose: () => () => undefined,
    close: () => undefined,
  });
  return [end(0), end(1)];
}

/**
 * Noon, local time, on a fixed day: the seeded history is dated back from it, so a test renders the same day dividers
 * and runs whatever time of day it runs at (from the wall clock, messages 120 and 118 minutes old fell on either side
 * of midnight just before 02:00 and split a run).
 */
const FAKE_NOW = new Date(2026, 5, 15, 12, 0, 0).getTime();

export function connectToFakeCore(scenario: Partial<FakeScenario> = {}): { core: FakeCore; connection: ApiConnection } {
  const core = createFakeCore({ profiles: [], tor: { state: 'running', progress: 100, summary: 'Done' }, historySize: 0, now: FAKE_NOW, ...scenario });
  const [client, server] = channelPair();
  serveApi(server, core);
  return { core, connection: createApiClient(client) };
}
