// Runs `npm run demo` headless on the test network: both profiles come up reachable and as contacts, Ctrl-C stops all.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';
import { channelFromWebSocket, createApiClient, rpcSubprotocols, tokenFromFragment } from '../electron/shared/rpc/index.js';
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

  it("brings up a relay and Alice and Bob, reachable, contacts and using the relay, serves both pages, each URL's token opens that person's profile, and stops on Ctrl-C", async () => {
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
    expect(output).toMatch(/the relay is up: allium-relay:[a-z2-7]{56}\.onion/);
    expect(output).toContain('Alice and Bob have mailboxes on the relay');

    const people = [...output.matchAll(/(Alice|Bob): (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/g)].map((m) => ({ name: m[1]!, url: new URL(m[2]!) }));
    expect(people.map((p) => p.name)).toEqual(['Alice', 'Bob']);
    for (const { name, url } of people) {
      // What a browser requests for the printed URL: the page, without the fragment; no cookie comes back.
      const page = await fetch(new URL('/', url));
      expect(page.status).toBe(200);
      expect(page.headers.get('set-cookie')).toBeNull();
      expect(await page.text()).toContain('<title>Allium</title>');
      // The page then presents the fragment's token on its WebSocket, and finds the person's profile signed in.
      const token = tokenFromFragment(url.hash);
      if (token === undefined) throw new Error(`no token in ${url.href}`);
      const socket = new WebSocket(`ws://${url.host}/rpc`, rpcSubprotocols(token), { headers: { Origin: url.origin } });
      const client = createApiClient(channelFromWebSocket(socket));
      expect((await client.api['session.get']({}))?.profile.label).toBe(name);
      // Each has the relay, and a mailbox there for the other.
      expect((await client.api['relays.list']({}))[0]).toMatchObject({ reachability: 'reachable', mailboxes: 1 });
      client.close();
    }

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('[demo] stopped.');
  });
});
