// The renderer's only door to the core: a MessagePort from the Electron preload, or a WebSocket in web mode.
import { channelFromMessagePort, channelFromWebSocket, createApiClient, type ApiConnection, type RpcChannel } from '../../../electron/shared/rpc/index.js';

/** What the preload posts to the page along with the port to the core. */
export const CORE_PORT_MESSAGE = 'allium:core-port';
/** Web mode serves the API here on the page's own host; the access cookie set by the server authenticates it. */
const RPC_PATH = '/rpc';

/** Raised when no transport to the core could be opened. */
export class CoreConnectionError extends Error {
  override readonly name = 'CoreConnectionError';
}

/**
 * Served over http(s), the page is in web mode and opens a WebSocket to its own host. Anywhere else (Electron's
 * file: or app: page) the preload hands over a port once the page has loaded.
 */
export async function connectToCore(): Promise<ApiConnection> {
  const channel = location.protocol === 'http:' || location.protocol === 'https:' ? await openWebSocket() : await receivePort();
  return createApiClient(channel);
}

function openWebSocket(): Promise<RpcChannel> {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}${RPC_PATH}`);
  return new Promise((resolve, reject) => {
    const opened = (): void => {
      socket.removeEventListener('error', failed);
      resolve(channelFromWebSocket(socket));
    };
    const failed = (): void => {
      socket.removeEventListener('open', opened);
      reject(new CoreConnectionError(`Could not open the connection to Allium's core at ${location.host}${RPC_PATH}`));
    };
    socket.addEventListener('open', opened, { once: true });
    socket.addEventListener('error', failed, { once: true });
  });
}

function receivePort(): Promise<RpcChannel> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent): void => {
      // Only the preload, which runs in this window, may hand over the port.
      const port = event.ports[0];
      if (event.source !== window || event.data !== CORE_PORT_MESSAGE || port === undefined) return;
      window.removeEventListener('message', onMessage);
      resolve(channelFromMessagePort(port));
    };
    window.addEventListener('message', onMessage);
  });
}
