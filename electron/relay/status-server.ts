// The operator's view: GET /status on 127.0.0.1 only, with totals and per-minute counts, nothing about any queue.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RelayActivity } from './http/activity.js';
import type { RelayStore } from './storage/relay-store.js';

export interface RelayStatus {
  readonly queues: number;
  readonly bytesHeld: number;
  readonly depositsPerMinute: number;
  readonly fetchesPerMinute: number;
}

export interface StatusServer {
  readonly url: string;
  stop(): Promise<void>;
}

export function relayStatus(store: RelayStore, activity: RelayActivity): RelayStatus {
  const { queues, bytesHeld } = store.stats();
  return { queues, bytesHeld, depositsPerMinute: activity.deposits.perMinute(), fetchesPerMinute: activity.fetches.perMinute() };
}

/** Serves `/status` as JSON on 127.0.0.1:`port` (0 picks a free port). */
export async function startStatusServer(port: number, status: () => RelayStatus): Promise<StatusServer> {
  const server = createServer((request, response) => {
    const found = request.method === 'GET' && request.url === '/status';
    const text = JSON.stringify(found ? status() : { error: 'not-found', message: 'Only GET /status is served here.' });
    response.writeHead(found ? 200 : 404, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(text);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(bound)}/status`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
