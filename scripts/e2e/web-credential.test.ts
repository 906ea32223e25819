// Web mode in Chromium: the page signs in with the token from the URL's fragment, and another local server the same browser visits receives no Allium credential.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/index.js';
import { tokenFromFragment } from '../../electron/shared/rpc/index.js';
import { startWebMode, type WebMode } from '../../electron/web/web-mode.js';
import { launchChromium } from './journey-browser.js';
import { buildRenderer, type RendererBuild } from './renderer-build.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
// Cheap password hashing for the profile made before web mode starts; unlocking reads the profile's own parameters.
const FAST_KDF = { name: 'scrypt', logN: 10, r: 8, p: 1 } as const;
const PASSWORD = 'the heron waits by the cold water';

interface Received {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** Another web app on this machine, as a developer's or a hostile local program's: it records every request it gets. */
async function startRecordingServer(): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    received.push({ url: request.url ?? '', headers: request.headers });
    if (request.url === '/pixel.svg') {
      response.writeHead(200, { 'Content-Type': 'image/svg+xml' });
      response.end('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>Other local app</title><h1>Other local app</h1><img src="/pixel.svg" alt="">');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the recording server has no port');
  return { server, port: address.port, received };
}

describe('web mode credential in Chromium', () => {
  let dir: string;
  let renderer: RendererBuild | undefined;
  let web: WebMode | undefined;
  let other: Awaited<ReturnType<typeof startRecordingServer>> | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'allium-web-credential-'));
    renderer = await buildRenderer();
    const dataDir = join(dir, 'data');
    // A profile to sign in to; web mode's own core then finds it locked, so no tor is ever started.
    const core = await createCore({ dataDir, env: { PATH: process.env.PATH ?? '' }, kdf: FAST_KDF });
    await core.handlers['profiles.create']({ label: 'Home', nickname: 'Ann', password: PASSWORD });
    await core.stop();
    web = await startWebMode({ dataDir, rendererDir: renderer.dir, env: { PATH: process.env.PATH ?? '' } });
    const found = tokenFromFragment(new URL(web.url).hash);
    if (found === undefined) throw new Error(`no token in ${web.url}`);
    token = found;
    other = await startRecordingServer();
    browser = await launchChromium();
    context = await browser.newContext();
  }, 3 * MINUTE);

  afterAll(async () => {
    await browser?.close();
    if (other !== undefined) await new Promise<void>((resolve) => other?.server.close(() => resolve()));
    await web?.stop();
    await renderer?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens with the printed URL, takes the fragment out of the address bar, talks to the core and survives a reload', async () => {
    const page = await context.newPage();
    await page.goto(web!.url);
    await page.getByRole('heading', { name: 'Unlock your profile' }).waitFor({ timeout: MINUTE });
    expect(page.url()).toBe(`${new URL(web!.url).origin}/`);
    // A wrong password is answered by the core, over the WebSocket the token opened.
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('alert').getByText('Wrong password.').waitFor({ timeout: MINUTE });

    await page.reload();
    await page.getByRole('heading', { name: 'Unlock your profile' }).waitFor({ timeout: MINUTE });
    await page.close();
  }, 2 * MINUTE);

  it('explains, in a new tab opened without the token, that the printed URL is needed', async () => {
    const page = await context.newPage();
    await page.goto(`${new URL(web!.url).origin}/`);
    await page.getByRole('alert').getByText('This tab does not hold Allium’s access token.').waitFor({ timeout: MINUTE });
    await page.close();
  }, 2 * MINUTE);

  it('keeps no cookie, and another server on 127.0.0.1 visited by the same browser receives no Allium credential', async () => {
    const page = await context.newPage();
    await page.goto(web!.url);
    await page.getByRole('heading', { name: 'Unlock your profile' }).waitFor({ timeout: MINUTE });
    for (const path of ['/', '/rpc', '/deeper/page?x=1']) {
      await page.goto(`http://127.0.0.1:${other!.port}${path}`);
      await page.getByRole('heading', { name: 'Other local app' }).waitFor();
    }
    await page.goto(`http://localhost:${other!.port}/`);
    await page.getByRole('heading', { name: 'Other local app' }).waitFor();
    await expect.poll(() => other!.received.filter((r) => r.url === '/pixel.svg').length, { timeout: MINUTE }).toBeGreaterThanOrEqual(1);

    expect(other!.received.length).toBeGreaterThanOrEqual(5);
    for (const request of other!.received) {
      expect(request.headers.cookie, request.url).toBeUndefined();
      expect(JSON.stringify(request), request.url).not.toContain(token);
    }
    expect(await context.cookies()).toEqual([]);
    await page.close();
  }, 2 * MINUTE);
});
