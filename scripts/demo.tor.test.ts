// Runs `npm run demo` headless on the test network: both profiles come up reachable and as contacts, Ctrl-C stops all.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../electron/web/repo-paths.js';
import { waitFor } from './test/wait-for.js';

describe('npm run demo', () => {
  let child: ChildProcess | undefined;
  let output = '';

  // On a failure the demo still gets Ctrl-C, so it stops its tors; SIGKILL only if it does not exit in time.
  afterAll(async () => {
    const running = child;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGINT');
    const timer = setTimeout(() => running.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }, 40_000);

  it('brings up Alice and Bob, reachable and contacts, serves both pages, and stops on Ctrl-C', async () => {
    // node itself runs the demo (tsx as a loader, no wrapper process), so signals reach the demo directly.
    child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'demo.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, ALLIUM_TESTNET_TORRC: inject('testnetTorrcFile') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));

    await waitFor(() => output.includes('Allium demo ready') || output.includes('[demo] failed'), { what: 'the demo to be ready', timeoutMs: 8 * 60_000, intervalMs: 500 });
    expect(output).toContain('Alice is reachable');
    expect(output).toContain('Bob is reachable');
    expect(output).toContain('Alice and Bob are contacts');

    const urls = [...output.matchAll(/(Alice|Bob): (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/g)].map((m) => m[2]!);
    expect(urls).toHaveLength(2);
    for (const url of urls) {
      // The token is traded for a cookie on the first visit, as a browser would do it.
      const visit = await fetch(url, { redirect: 'manual' });
      expect(visit.status).toBe(303);
      const cookie = visit.headers.get('set-cookie')?.split(';')[0];
      expect(cookie).toMatch(/^allium_token_\d+=/);
      const page = await fetch(new URL('/', url), { headers: { cookie: cookie ?? '' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Allium</title>');
    }

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('[demo] stopped.');
  });
});
