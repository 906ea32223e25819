// Web mode's HTTP server on 127.0.0.1: the built renderer to anyone local, the API over a WebSocket only to the holder of the per-launch token.
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { LIMITS } from '../shared/api/index.js';
import { isAccessToken, launchUrl, RPC_PATH, RPC_SUBPROTOCOL, serveApi, tokenFromSubprotocols, type ApiBackend } from '../shared/rpc/index.js';
import { allowedHosts, createAccessToken, hostAllowed, originAllowed, tokensMatch } from './access.js';
import { contentSecurityPolicy } from './content-security-policy.js';
import { RendererNotBuiltError, WebServerStartError } from './errors.js';
import { listenFailure } from './web-port.js';
import { lookupStaticFile, openStaticFile } from './static-files.js';
import { channelFromServerSocket } from './websocket-channel.js';

export interface WebServerOptions {
  readonly backend: ApiBackend;
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Tests pass one (base64url); otherwise a fresh random token per launch. */
  readonly token?: string;
  readonly logError?: (context: string, error: unknown) => void;
}

export interface WebServer {
  readonly port: number;
  readonly token: string;
  /** What to open in a browser: the token rides in the fragment, which the browser keeps to itself and the page reads. */
  readonly url: string;
  close(): Promise<void>;
}

/** An import may carry a whole backup (base64) in one message. */
const MAX_MESSAGE_BYTES = LIMITS.backupBytesBase64 + 64 * 1024;

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  if (!existsSync(join(options.rendererDir, 'index.html'))) throw new RendererNotBuiltError(options.rendererDir);
  const root = await realpath(options.rendererDir);
  const token = options.token ?? createAccessToken();
  if (!isAccessToken(token)) throw new WebServerStartError('The access token must be base64url (it travels as a WebSocket subprotocol)');
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
    // The page and its assets hold no secret, so they need no token: a browser keeps no credential for this origin
    // that another local server could receive. Only the WebSocket, which reaches the profiles, asks for the token.
    const found = await lookupStaticFile(root, requestPath(request.url ?? '/'));
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

  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // Echo the RPC subprotocol, never the token's: a browser fails the socket unless one it offered comes back.
    handleProtocols: (offered) => (offered.has(RPC_SUBPROTOCOL) ? RPC_SUBPROTOCOL : false),
  });
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
    if (requestPath(request.url ?? '/') !== RPC_PATH) return '404 Not Found';
    if (!originAllowed(request, port)) return '403 Forbidden';
    if (!tokensMatch(token, tokenFromSubprotocols(request.headers['sec-websocket-protocol']))) return '401 Unauthorized';
    return undefined;
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenFailure(options.port ?? 0, error)));
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new WebServerStartError('The server has no TCP address after listening');
  port = address.port;

  return {
    port,
    token,
    url: launchUrl(`http://127.0.0.1:${port}`, token),
    async close() {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The path of a request target; the query is ignored (the page takes nothing from it). */
function requestPath(target: string): string {
  const mark = target.indexOf('?');
  return mark === -1 ? target : target.slice(0, mark);
}
