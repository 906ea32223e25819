// Web mode with the real core behind it: a browser-shaped client reaches the core through the token, and stop closes everything.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { channelFromWebSocket, createApiClient } from '../shared/rpc/index.js';
import { startWebMode } from './web-mode.js';

function status(url: string, headers: Record<string, string> = {}): Promise<{ status: number; cookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, cookie: res.headers['set-cookie']?.[0]?.split(';')[0] });
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
    const { origin } = new URL(web.url);
    try {
      const visit = await status(web.url);
      expect(visit.status).toBe(303);
      if (visit.cookie === undefined) throw new Error('no cookie was set');
      expect((await status(`${origin}/`, { Cookie: visit.cookie })).status).toBe(200);

      const socket = new WebSocket(`${origin.replace('http', 'ws')}/rpc`, { headers: { Origin: origin, Cookie: visit.cookie } });
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
});
