// Two Allium tor runtimes on the private network: publish, dial through SOCKS, survive tor being killed.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateOnionKey, type OnionKey } from '../identity/index.js';
import { dialOnion } from '../link/socks-dialer.js';
import { createTorRuntime, type TorRestart, type TorRuntime } from './index.js';

const VIRTUAL_PORT = 9878;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends one line and resolves with the peer's one-line answer. Tor streams have no half-close (a FIN ends the
 * whole stream), so both sides speak in lines and the caller closes only after the answer.
 */
function exchange(socket: Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline === -1) return;
      socket.destroy();
      resolve(buffered.slice(0, newline));
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`stream closed before an answer; got ${JSON.stringify(buffered)}`)));
    socket.write(`${text}\n`);
  });
}

/** Dials until tor finds the fresh descriptor: the first fetch can fail on a young network. */
async function dialWithRetry(runtime: TorRuntime, key: OnionKey, timeoutMs: number): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const socks = runtime.socks;
    if (socks === undefined) throw new Error('dialing runtime has no SOCKS endpoint');
    try {
      return await dialOnion(socks, key.address, VIRTUAL_PORT, { timeoutMs: 60_000 });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

describe('tor runtime on the private network', () => {
  const dir = mkdtempSync(join(tmpdir(), 'allium-tor-'));
  const env = { ...process.env, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') };
  const bob = createTorRuntime({ torDir: join(dir, 'bob'), env, restartBackoff: { initialMs: 200, maxMs: 2_000, stableAfterMs: 60_000 } });
  const alice = createTorRuntime({ torDir: join(dir, 'alice'), env });
  const bobKey = generateOnionKey();
  const pids: number[] = [];
  let server: Server;
  const received: string[] = [];

  beforeAll(async () => {
    const socketPath = join(dir, 'bob-service.sock');
    server = createServer((socket) => {
      let buffered = '';
      socket.setEncoding('utf8');
      socket.on('error', () => undefined);
      socket.on('data', (chunk: string) => {
        buffered += chunk;
        for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
          const text = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          received.push(text);
          socket.write(`bob got: ${text}\n`);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    await Promise.all([bob.start(), alice.start()]);
    for (const runtime of [bob, alice]) if (runtime.pid !== undefined) pids.push(runtime.pid);
    await Promise.all([bob.waitForBootstrap(120_000), alice.waitForBootstrap(120_000)]);
    await bob.publish({ key: bobKey, virtualPort: VIRTUAL_PORT, target: { kind: 'unix', path: socketPath } });
  });

  afterAll(async () => {
    await Promise.all([bob.stop(), alice.stop()]);
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes an onion service that becomes reachable, and reports bootstrap done', async () => {
    await bob.waitForReachable(bobKey.address, 60_000);
    expect(bob.status).toMatchObject({ state: 'running', bootstrap: { progress: 100 } });
    expect(bob.socks?.kind).toBe('unix');
  });

  it('carries bytes both ways between the two runtimes over the onion service', async () => {
    const socket = await dialWithRetry(alice, bobKey, 90_000);
    const reply = await exchange(socket, 'hello from alice');
    expect(reply).toBe('bob got: hello from alice');
    expect(received).toContain('hello from alice');
  });

  it('restarts a killed tor and republishes the same address', async () => {
    const oldPid = bob.pid;
    expect(oldPid).toBeDefined();
    const restarted = new Promise<TorRestart>((resolve) => bob.once('restart', resolve));
    process.kill(oldPid!, 'SIGKILL');
    const restart = await restarted;
    expect(restart.exit.signal).toBe('SIGKILL');
    expect(bob.onionStatus(bobKey.address)).toBe('offline');

    await bob.waitForReachable(bobKey.address, 120_000);
    expect(bob.pid).toBeDefined();
    expect(bob.pid).not.toBe(oldPid);
    pids.push(bob.pid!);

    const socket = await dialWithRetry(alice, bobKey, 90_000);
    expect(await exchange(socket, 'after restart')).toBe('bob got: after restart');
  });

  it('refuses a dial to an onion that is not published, with a specific reason', async () => {
    const nobody = generateOnionKey();
    await expect(dialOnion(alice.socks!, nobody.address, VIRTUAL_PORT, { timeoutMs: 60_000 })).rejects.toMatchObject({
      name: 'OnionDialError',
      reason: expect.stringMatching(/offline|unreachable|timeout/) as unknown,
    });
  });

  it('leaves no tor process behind after stop', async () => {
    await Promise.all([bob.stop(), alice.stop()]);
    expect(bob.status.state).toBe('stopped');
    expect(pids.length).toBeGreaterThanOrEqual(3);
    for (const pid of pids) expect(isAlive(pid), `tor ${String(pid)} still running`).toBe(false);
  });
});
