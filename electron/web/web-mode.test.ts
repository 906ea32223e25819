// Web mode with the real core behind it: a browser-shaped client reaches the core with the URL's token, the port is the one asked for, and stop closes everything.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { channelFromWebSocket, createApiClient, rpcSubprotocols, tokenFromFragment } from '../shared/rpc/index.js';
import { startWebMode } from './web-mode.js';

function status(url: string): Promise<{ status: number; cookie: string[] | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, cookie: res.headers['set-cookie'] });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'allium-web-mode-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the core to the holder of the printed URL and stops cleanly', async () => {
    const rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Allium</title>');
    const web = await startWebMode({ dataDir: join(dir, 'data'), rendererDir, env: { PATH: process.env.PATH ?? '' } });
    const { origin, hash } = new URL(web.url);
    try {
      // What a browser requests for the printed URL: the path only, never the fragment.
      const visit = await status(`${origin}/`);
      expect(visit).toEqual({ status: 200, cookie: undefined });
      const token = tokenFromFragment(hash);
      if (token === undefined) throw new Error(`no token in ${web.url}`);

      const socket = new WebSocket(`${origin.replace('http', 'ws')}/rpc`, rpcSubprotocols(token), { headers: { Origin: origin } });
      const client = createApiClient(channelFromWebSocket(socket));
      await expect(client.api['profiles.list']({})).resolves.toEqual([]);
      await expect(client.api['session.get']({})).resolves.toBeNull();
      await expect(client.api['contacts.list']({})).rejects.toMatchObject({ code: 'locked' });
      await expect(client.api['profiles.unlock']({ profileId: 'nobody', password: '' })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/^password: /) as unknown });
      const disconnected = new Promise<void>((resolve) => client.onDisconnect(resolve));
      await web.stop();
      await disconnected;
    } finally {
      await web.stop();
    }
    await expect(status(`${origin}/`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('listens on the port it is given, and refuses a taken one in words', async () => {
    const rendererDir = join(dir, 'renderer-port');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Allium</title>');
    // A port the OS just handed out and took back: free, and known before web mode starts.
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    await new Promise<void>((resolve) => holder.close(() => resolve()));

    const web = await startWebMode({ dataDir: join(dir, 'data-port'), rendererDir, port: address.port, env: { PATH: process.env.PATH ?? '' } });
    try {
      expect(new URL(web.url).port).toBe(String(address.port));
      const second = startWebMode({ dataDir: join(dir, 'data-port-2'), rendererDir, port: address.port, env: { PATH: process.env.PATH ?? '' } });
      await expect(second).rejects.toThrow(`Port ${address.port} on 127.0.0.1 is already in use by another program`);
    } finally {
      await web.stop();
    }
  });
});
