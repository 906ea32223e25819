// How a failure to reach a relay reads (tor's onion-service replies become words, not "undefined"), and a dead kept-alive socket.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayUnreachableError } from './errors.js';
import { RelayTransport } from './relay-transport.js';

const SOME_ONION = 'a'.repeat(56);

/** A loopback SOCKS5 proxy that accepts no-auth and answers every CONNECT with `reply`, as tor does with ExtendedErrors. */
function refusingProxy(reply: number): Promise<{ server: Server; port: number }> {
  const server = createServer((socket: Socket) => {
    let greeted = false;
    socket.on('data', () => {
      if (!greeted) {
        greeted = true;
        socket.write(Buffer.from([0x05, 0x00]));
      } else {
        socket.end(Buffer.from([0x05, reply, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
      }
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  });
}

describe('RelayTransport through SOCKS', () => {
  let proxy: Server | undefined;
  afterEach(() => {
    proxy?.close();
    proxy = undefined;
  });

  // 0xf0: descriptor not found, 0xf2: introduction failed (tor's socks-extensions); the socks library has no names for them.
  it.each([
    { code: 'f0', reply: 0xf0 },
    { code: 'f2', reply: 0xf2 },
    { code: '04', reply: 0x04 },
  ])('says a relay behind SOCKS reply 0x$code is offline or cannot be found', async ({ reply }) => {
    const started = await refusingProxy(reply);
    proxy = started.server;
    const transport = new RelayTransport({ kind: 'onion', address: SOME_ONION, socks: { kind: 'tcp', host: '127.0.0.1', port: started.port } });
    try {
      const failure = await transport.send({ method: 'GET', pathAndQuery: '/v1/info', headers: {}, body: new Uint8Array(), timeoutMs: 10_000 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(RelayUnreachableError);
      expect((failure as Error).message).toBe(`The relay ${SOME_ONION}.onion could not be reached: it is offline or tor cannot find it.`);
    } finally {
      transport.close();
    }
  });
});

/**
 * A loopback relay that answers the first request on each connection and keeps it alive, then drops the connection
 * without a word at the next request on it: as when the relay, or tor, closed a socket that sat idle in the pool.
 */
function forgetfulRelay(): Promise<{ server: HttpServer; baseUrl: string; seen: string[] }> {
  const seen: string[] = [];
  const answered = new WeakSet<object>();
  const server = createHttpServer((request, response) => {
    seen.push(request.method ?? '');
    if (answered.has(request.socket)) {
      request.socket.destroy();
      return;
    }
    answered.add(request.socket);
    response.setHeader('content-type', 'application/json');
    response.end('{"ok":true}');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, baseUrl: `http://127.0.0.1:${String(typeof address === 'object' && address !== null ? address.port : 0)}`, seen });
    });
  });
}

describe('RelayTransport over a kept-alive socket the other end closed', () => {
  let relay: HttpServer | undefined;
  afterEach(() => {
    relay?.closeAllConnections();
    relay?.close();
    relay = undefined;
  });

  const request = (method: string) => ({ method, pathAndQuery: '/v1/directory', headers: {}, body: new Uint8Array(), timeoutMs: 10_000 });

  it('asks a GET again on a fresh socket, and answers', async () => {
    const started = await forgetfulRelay();
    relay = started.server;
    const transport = new RelayTransport({ kind: 'direct', baseUrl: started.baseUrl });
    try {
      expect((await transport.send(request('GET'))).status).toBe(200);
      const again = await transport.send(request('GET'));
      expect(again.status).toBe(200);
      expect(again.body.toString()).toBe('{"ok":true}');
      expect(started.seen).toEqual(['GET', 'GET', 'GET']);
    } finally {
      transport.close();
    }
  });

  it('does not repeat a PUT, which the relay may have acted on: the failure says the relay could not be reached', async () => {
    const started = await forgetfulRelay();
    relay = started.server;
    const transport = new RelayTransport({ kind: 'direct', baseUrl: started.baseUrl });
    try {
      expect((await transport.send(request('GET'))).status).toBe(200);
      const failure = await transport.send(request('PUT')).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(RelayUnreachableError);
      expect((failure as Error).message).toBe('The relay 127.0.0.1 could not be reached: socket hang up.');
      expect(started.seen).toEqual(['GET', 'PUT']);
    } finally {
      transport.close();
    }
  });
});
