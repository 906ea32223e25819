// The renderer's only door to the core: a MessagePort from the Electron preload, or a WebSocket in web mode.
import { channelFromMessagePort, channelFromWebSocket, createApiClient, RPC_PATH, rpcSubprotocols, type ApiConnection, type RpcChannel } from '../../../electron/shared/rpc/index.js';
import { takeAccessToken } from './web-access-token.js';

/** Page → preload: "my listener is ready, send me a port" (electron/main/ipc-channels.ts). */
const CONNECT_MESSAGE = 'allium:connect';
/** Preload → page: the message that carries the port to the core. */
const CORE_PORT_MESSAGE = 'allium:core-port';
/** After the WebSocket failed, how long a port from a preload (Electron with a dev server) may still take to arrive. */
const PORT_GRACE_MS = 5_000;

/** Electron hands the page a port and shows notifications itself; in web mode the page is a browser tab. */
export type Transport = 'electron' | 'web';

export interface CoreLink {
  readonly connection: ApiConnection;
  readonly transport: Transport;
}

/** Raised when no transport to the core could be opened; its message is meant for the person at the screen. */
export class CoreConnectionError extends Error {
  override readonly name = 'CoreConnectionError';
}

/**
 * In Electron the preload hands over a port; in web mode (an http page without a preload) the page opens a WebSocket
 * to its own host and presents the launch's token as a subprotocol. An http page may be either (Electron loads Vite's dev server over http), so it tries both and takes
 * whichever answers; an app: page only ever gets a port.
 */
export async function connectToCore(): Promise<CoreLink> {
  const port = receivePort().then((channel) => ({ channel, transport: 'electron' as const }));
  const opened =
    location.protocol !== 'http:' && location.protocol !== 'https:'
      ? await port
      : await Promise.race([port, openWebSocket().then((channel) => ({ channel, transport: 'web' as const }), (error: unknown) => withDeadline(port, PORT_GRACE_MS, error))]);
  return { connection: createApiClient(opened.channel), transport: opened.transport };
}

function receivePort(): Promise<RpcChannel> {
  const received = new Promise<RpcChannel>((resolve) => {
    const onMessage = (event: MessageEvent): void => {
      // Only the preload, which runs in this window, may hand over the port.
      const port = event.ports[0];
      if (event.source !== window || event.data !== CORE_PORT_MESSAGE || port === undefined) return;
      window.removeEventListener('message', onMessage);
      resolve(channelFromMessagePort(port));
    };
    window.addEventListener('message', onMessage);
  });
  // Without a preload nobody listens, and this message goes nowhere.
  window.postMessage(CONNECT_MESSAGE, location.origin === 'null' ? '*' : location.origin);
  return received;
}

function openWebSocket(): Promise<RpcChannel> {
  const token = takeAccessToken();
  if (token === undefined) {
    return Promise.reject(
      new CoreConnectionError(
        'This tab does not hold Allium’s access token. Open the URL Allium printed when it started (it ends in #token=…); each new tab or window needs that URL.',
      ),
    );
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${location.host}${RPC_PATH}`;
  const socket = new WebSocket(url, rpcSubprotocols(token));
  return new Promise((resolve, reject) => {
    const opened = (): void => {
      socket.removeEventListener('error', failed);
      resolve(channelFromWebSocket(socket));
    };
    const failed = (): void => {
      socket.removeEventListener('open', opened);
      reject(new CoreConnectionError(`Could not connect to Allium’s core at ${url}. Is Allium still running? After a restart, open the new URL it printed: the old one’s token is no longer valid.`));
    };
    socket.addEventListener('open', opened, { once: true });
    socket.addEventListener('error', failed, { once: true });
  });
}

function withDeadline<T>(port: Promise<T>, ms: number, cause: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(cause instanceof Error ? cause : new CoreConnectionError('No connection to the core', { cause })), ms);
    void port.then((opened) => {
      clearTimeout(timer);
      resolve(opened);
    });
  });
}
