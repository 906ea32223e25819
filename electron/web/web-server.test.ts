// Web mode over real HTTP and WebSocket: the page is public but sets no credential; the WebSocket's token, Host and Origin checks refuse strangers.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { TorStatusDto } from '../shared/api/index.js';
import { testBackend } from '../shared/rpc/backend-test-kit.js';
import { channelFromWebSocket, createApiClient, rpcSubprotocols } from '../shared/rpc/index.js';
import { WebPortUnavailableError } from './errors.js';
import { startWebServer, type WebServer } from './web-server.js';

const TOKEN = 'x'.repeat(43);
const PROFILE = { id: 'p1', label: 'Home', createdAt: '2026-01-01T00:00:00.000Z' };
const TOR_STATUS: TorStatusDto = { state: 'starting', progress: 40, summary: 'Loading relay descriptors' };

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

describe('web mode server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'allium-web-'));
  const rendererDir = join(dir, 'renderer');
  const fixture = testBackend({ 'profiles.list': () => Promise.resolve([PROFILE]) });
  let server: WebServer;
  let origin: string;

  beforeAll(async () => {
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Allium</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
    server = await startWebServer({ backend: fixture.backend, rendererDir, token: TOKEN, logError: () => undefined });
    origin = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path, method, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Opens a WebSocket offering these subprotocols and headers; resolves with the refusal status, or with the open socket. */
  function upgrade(
    protocols: string[],
    headers: Record<string, string>,
    path = '/rpc',
  ): Promise<{ status: number; closed: Promise<void> } | { socket: WebSocket }> {
    return new Promise((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, protocols, { headers });
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      socket.once('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0, closed });
        res.resume();
        res.on('end', () => socket.terminate());
      });
      socket.once('open', () => resolve({ socket }));
      socket.on('error', () => undefined);
    });
  }

  async function expectRefused(protocols: string[], headers: Record<string, string>, status: number, path = '/rpc'): Promise<void> {
    const outcome = await upgrade(protocols, headers, path);
    if ('socket' in outcome) {
      outcome.socket.terminate();
      throw new Error('the upgrade was accepted');
    }
    expect(outcome.status).toBe(status);
    await outcome.closed;
  }

  it('listens on 127.0.0.1 and prints a URL carrying the token in its fragment, which a browser never sends', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${TOKEN}`);
  });

  it('serves the page and its assets without a token, with the CSP and the right content types, at 127.0.0.1 or localhost', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.body).toContain('<title>Allium</title>');
    const script = await get('/assets/app.js', { Host: `localhost:${server.port}` });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/assets')).status).toBe(404);
  });

  it('sets no cookie and never echoes a token, whatever the request carries', async () => {
    for (const path of ['/', `/?token=${TOKEN}`, '/assets/app.js', '/missing']) {
      const reply = await get(path);
      expect(reply.headers['set-cookie'], path).toBeUndefined();
      expect(reply.headers.location, path).toBeUndefined();
      expect(JSON.stringify(reply.headers) + reply.body, path).not.toContain(TOKEN);
    }
  });

  it('refuses a foreign Host (DNS rebinding)', async () => {
    const reply = await get('/', { Host: `evil.example:${server.port}` });
    expect(reply.status).toBe(421);
    expect(reply.body).not.toContain('<title>');
    expect((await get('/', { Host: '127.0.0.1:1' })).status).toBe(421);
  });

  it('refuses paths that leave the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2E%2E/%2E%2E/secret.txt', '/..%2fsecret.txt', '/%5c..%5csecret.txt', '/%00', '/%E0%A4%A']) {
      const reply = await get(path);
      expect(reply.status, path).toBe(400);
      expect(reply.body).not.toContain('outside');
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get('/', {}, 'POST')).status).toBe(405);
  });

  it('refuses a WebSocket without the token, with a wrong one, in a cookie, from another Origin or Host, or on another path', async () => {
    const right = rpcSubprotocols(TOKEN);
    await expectRefused(['allium.rpc.v1'], { Origin: origin }, 401);
    await expectRefused(rpcSubprotocols('y'.repeat(43)), { Origin: origin }, 401);
    await expectRefused(rpcSubprotocols(TOKEN.slice(1)), { Origin: origin }, 401);
    // The old way: a cookie is sent to every port of the host, so it is no credential here.
    await expectRefused(['allium.rpc.v1'], { Origin: origin, Cookie: `allium_token_${server.port}=${TOKEN}` }, 401);
    await expectRefused(right, { Origin: 'http://evil.example' }, 403);
    await expectRefused(right, { Origin: `http://127.0.0.1:${server.port + 1}` }, 403);
    await expectRefused(right, {}, 403);
    await expectRefused(right, { Origin: origin, Host: `evil.example:${server.port}` }, 421);
    await expectRefused(right, { Origin: origin }, 404, '/other');
  });

  it('answers with the RPC subprotocol, never the token', async () => {
    const outcome = await upgrade(rpcSubprotocols(TOKEN), { Origin: origin });
    if (!('socket' in outcome)) throw new Error(`refused with ${outcome.status}`);
    expect(outcome.socket.protocol).toBe('allium.rpc.v1');
    outcome.socket.close();
  });

  it('runs a command and delivers an event over the WebSocket of the right caller', async () => {
    const outcome = await upgrade(rpcSubprotocols(TOKEN), { Origin: origin });
    if (!('socket' in outcome)) throw new Error(`refused with ${outcome.status}`);
    const client = createApiClient(channelFromWebSocket(outcome.socket));
    await expect(client.api['profiles.list']({})).resolves.toEqual([PROFILE]);
    await expect(client.api['contacts.list']({})).rejects.toMatchObject({ code: 'locked' });
    const status = new Promise<TorStatusDto>((resolve) => client.on('tor.status', resolve));
    fixture.emit({ name: 'tor.status', payload: TOR_STATUS });
    await expect(status).resolves.toEqual(TOR_STATUS);
    client.close();
  });

  it('closes its sockets on close, and pending calls fail with disconnected', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'allium-web-'));
    writeFileSync(join(dir2, 'index.html'), '<!doctype html>');
    const hanging = testBackend({}, () => new Promise<never>(() => undefined));
    const second = await startWebServer({ backend: hanging.backend, rendererDir: dir2 });
    expect(second.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const socket = new WebSocket(`ws://127.0.0.1:${second.port}/rpc`, rpcSubprotocols(second.token), { headers: { Origin: `http://127.0.0.1:${second.port}` } });
    await new Promise((resolve) => socket.once('open', resolve));
    const client = createApiClient(channelFromWebSocket(socket));
    const pending = client.api['tor.status']({});
    await second.close();
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    rmSync(dir2, { recursive: true, force: true });
  });

  it('survives a frame that breaks the WebSocket protocol: closes that socket, logs it and keeps serving', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'allium-web-'));
    writeFileSync(join(dir2, 'index.html'), '<!doctype html>');
    const errors: string[] = [];
    const second = await startWebServer({ backend: fixture.backend, rendererDir: dir2, logError: (context) => errors.push(context) });
    const open = async (): Promise<WebSocket> => {
      const socket = new WebSocket(`ws://127.0.0.1:${second.port}/rpc`, rpcSubprotocols(second.token), { headers: { Origin: `http://127.0.0.1:${second.port}` } });
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('open', resolve));
      return socket;
    };
    const broken = await open();
    const closed = new Promise<number>((resolve) => broken.once('close', resolve));
    // A text frame that is not UTF-8: the server's ws rejects it with an 'error' event on its socket.
    broken.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: false });
    expect(await closed).toBe(1007);
    expect(errors).toEqual(['WebSocket closed after a protocol error']);
    const client = createApiClient(channelFromWebSocket(await open()));
    await expect(client.api['profiles.list']({})).resolves.toEqual([PROFILE]);
    client.close();
    await second.close();
    rmSync(dir2, { recursive: true, force: true });
  });

  it('refuses to start without a built renderer, naming the build command', async () => {
    await expect(startWebServer({ backend: testBackend({}).backend, rendererDir: join(dir, 'nothing') })).rejects.toThrow(
      /renderer is not built.*vite build --config renderer\/vite.config.ts/,
    );
  });

  it('refuses a port another program holds, saying so in words', async () => {
    const taken = await startWebServer({ backend: fixture.backend, rendererDir });
    const attempt = startWebServer({ backend: fixture.backend, rendererDir, port: taken.port });
    await expect(attempt).rejects.toBeInstanceOf(WebPortUnavailableError);
    await expect(attempt).rejects.toThrow(`Port ${taken.port} on 127.0.0.1 is already in use by another program`);
    await taken.close();
  });

  it('refuses a token that cannot travel as a subprotocol', async () => {
    await expect(startWebServer({ backend: fixture.backend, rendererDir, token: 'not a token; at all' })).rejects.toThrow(/base64url/);
  });
});
