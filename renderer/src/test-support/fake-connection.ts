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

export function connectToFakeCore(scenario: Partial<FakeScenario> = {}): { core: FakeCore; connection: ApiConnection } {
  const core = createFakeCore({ profiles: [], tor: { state: 'running', progress: 100, summary: 'Done' }, historySize: 0, ...scenario });
  const [client, server] = channelPair();
  serveApi(server, core);
  return { core, connection: createApiClient(client) };
}
