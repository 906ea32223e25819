// Web mode's HTTP server on 127.0.0.1: the built renderer and the API over a WebSocket, both behind the per-launch token.
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { LIMITS } from '../shared/api/index.js';
import { serveApi, type ApiBackend } from '../shared/rpc/index.js';
import { allowedHosts, createAccessToken, hostAllowed, originAllowed, readCookie, tokenCookie, tokenCookieName, tokensMatch } from './access.js';
import { contentSecurityPolicy } from './content-security-policy.js';
import { RendererNotBuiltError, WebServerStartError } from './errors.js';
import { lookupStaticFile, openStaticFile } from './static-files.js';
import { channelFromServerSocket } from './websocket-channel.js';

/** Where the page opens its WebSocket: `ws://<same host>/rpc`; the cookie set from the token authenticates it. */
export const RPC_PATH = '/rpc';

export interface WebServerOptions {
  readonly backend: ApiBackend;
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Tests pass one; otherwise a fresh random token per launch. */
  readonly token?: string;
  readonly logError?: (context: string, error: unknown) => void;
}

export interface WebServer {
  readonly port: number;
  readonly token: string;
  /** What to open in a browser: carries the token once, the server trades it for a cookie. */
  readonly url: string;
  close(): Promise<void>;
}

/** An import may carry a whole backup (base64) in one message. */
const MAX_MESSAGE_BYTES = LIMITS.backupBytesBase64 + 64 * 1024;

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  if (!existsSync(join(options.rendererDir, 'index.html'))) throw new RendererNotBuiltError(options.rendererDir);
  const root = await realpath(options.rendererDir);
  const token = options.token ?? createAccessToken();
  const logError = options.logError ?? ((context, error) => console.error(`[web] ${context}`, error));
  let port = 0;

  const baseHeaders = (): OutgoingHttpHeaders => ({
    'Content-Security-Policy': contentSecurityPolicy({ connectSources: allowedHosts(port).map((host) => `ws://${host}`) }),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  const answer = (response: ServerResponse, status: number, text: string, extra: OutgoingHttpHeaders = {}): void => {
    response.writeHead(status, { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    response.end(`${text}\n`);
  };

  const handleRequest = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!hostAllowed(request, port)) {
      answer(response, 421, `Allium answers only at ${allowedHosts(port).join(' or ')}.`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      answer(response, 405, 'Only GET and HEAD are served.', { Allow: 'GET, HEAD' });
      return;
    }
    const { path, query } = splitUrl(request.url ?? '/');
    const offered = query.get('token');
    if (offered !== null) {
      if (!tokensMatch(token, offered)) {
        answer(response, 401, 'This link is not valid for this launch of Allium: open the URL it printed when it started.');
        return;
      }
      // Trade the token for a cookie and drop it from the address bar and history. Always to `/`: echoing the path
      // back would make `//elsewhere?token=…` an open redirect.
      response.writeHead(303, { ...baseHeaders(), 'Set-Cookie': tokenCookie(port, token), Location: '/' });
      response.end();
      return;
    }
    if (!tokensMatch(token, readCookie(request, tokenCookieName(port)))) {
      answer(response, 401, 'Open Allium with the URL it printed when it started (it carries the access token).');
      return;
    }
    const found = await lookupStaticFile(root, path);
    switch (found.kind) {
      case 'bad-path':
        answer(response, 400, 'Bad path.');
        return;
      case 'not-found':
        answer(response, 404, 'Not found.');
        return;
      case 'file':
        response.writeHead(200, { ...baseHeaders(), 'Content-Type': found.contentType, 'Content-Length': found.size });
        if (request.method === 'HEAD') {
          response.end();
          return;
        }
        await pipeline(openStaticFile(found.path), response);
        return;
    }
  };

  const server = createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      logError(`serving ${request.url ?? ''} failed`, error);
      if (!response.headersSent) answer(response, 500, 'Internal error.');
      else response.destroy();
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = upgradeRefusal(request);
    if (refusal !== undefined) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      // ws reports a frame that breaks the protocol (bad UTF-8, over maxPayload, unmasked) as 'error' and closes the
      // socket itself; unheard, that event would be an uncaught exception taking the core down with the server.
      ws.on('error', (error) => logError('WebSocket closed after a protocol error', error));
      serveApi(channelFromServerSocket(ws), options.backend, { logError });
    });
  });

  const upgradeRefusal = (request: IncomingMessage): string | undefined => {
    if (!hostAllowed(request, port)) return '421 Misdirected Request';
    if (splitUrl(request.url ?? '/').path !== RPC_PATH) return '404 Not Found';
    if (!originAllowed(request, port)) return '403 Forbidden';
    if (!tokensMatch(token, readCookie(request, tokenCookieName(port)))) return '401 Unauthorized';
    return undefined;
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new WebServerStartError(`Could not listen on 127.0.0.1:${options.port ?? 0}`, { cause: error })));
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new WebServerStartError('The server has no TCP address after listening');
  port = address.port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Path and query of a request target, without letting `//host/…` be read as another host. */
function splitUrl(target: string): { path: string; query: URLSearchParams } {
  const mark = target.indexOf('?');
  return mark === -1 ? { path: target, query: new URLSearchParams() } : { path: target.slice(0, mark), query: new URLSearchParams(target.slice(mark + 1)) };
}
