// TorRuntime supervision against stand-in tor processes: stop while a tor is starting, a tor dying while it is set up.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TorExit } from './tor-process.js';

/** A control connection whose commands succeed at once unless a test holds them. */
class FakeControl extends EventEmitter {
  readonly sent: string[] = [];
  hold = false;
  readonly #held: { reject: (error: Error) => void }[] = [];

  command(line: string): Promise<{ status: number; lines: { status: number; text: string }[] }> {
    this.sent.push(line);
    if (this.hold) return new Promise((_, reject) => this.#held.push({ reject }));
    return Promise.resolve({ status: 250, lines: [{ status: 250, text: 'OK' }] });
  }

  async setEvents(types: readonly string[]): Promise<void> {
    await this.command(`SETEVENTS ${types.join(' ')}`);
  }

  async getInfo(keys: readonly string[]): Promise<Record<string, string>> {
    await this.command(`GETINFO ${keys.join(' ')}`);
    return { 'status/bootstrap-phase': 'NOTICE BOOTSTRAP PROGRESS=0 TAG=starting SUMMARY="Starting"' };
  }

  /** What the real connection does when tor goes away: every waiting command is rejected. */
  closeAll(): void {
    for (const held of this.#held.splice(0)) held.reject(new Error('the tor control connection closed'));
  }
}

let nextPid = 1000;

class FakeTor {
  readonly pid = nextPid++;
  readonly control = new FakeControl();
  readonly socks = { kind: 'unix', path: '/nowhere/socks.sock' } as const;
  readonly exited: Promise<TorExit>;
  stopping = false;
  alive = true;
  #exit!: (exit: TorExit) => void;

  constructor() {
    this.exited = new Promise((resolve) => (this.#exit = resolve));
  }

  recentLog(): string[] {
    return [];
  }

  /** How long this tor takes to exit once asked to. */
  exitDelayMs = 0;

  async stop(): Promise<void> {
    this.stopping = true;
    this.control.closeAll();
    if (this.exitDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.exitDelayMs));
    this.#die({ code: 0, signal: null });
  }

  /** tor crashes: the process exit is seen first, the control connection closes right after. */
  crash(): void {
    this.#die({ code: null, signal: 'SIGKILL' });
    setImmediate(() => this.control.closeAll());
  }

  #die(exit: TorExit): void {
    if (!this.alive) return;
    this.alive = false;
    this.#exit(exit);
  }
}

/** Each launch waits for the test to hand it a tor (or lets it through at once). */
const launches: { resolve: (tor: FakeTor) => void; promise: Promise<FakeTor> }[] = [];
let autoLaunch = true;
const launched: FakeTor[] = [];

vi.mock('./tor-binary.js', () => ({ findTorBinary: () => ({ path: '/fake/tor', source: 'env' }) }));
vi.mock('./tor-process.js', () => ({
  TorProcess: {
    launch: (): Promise<FakeTor> => {
      let resolve!: (tor: FakeTor) => void;
      const promise = new Promise<FakeTor>((r) => (resolve = r)).then((tor) => {
        launched.push(tor);
        return tor;
      });
      launches.push({ resolve, promise });
      if (autoLaunch) resolve(new FakeTor());
      return promise;
    },
  },
}));

const { TorRuntime } = await import('./tor-runtime.js');

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('TorRuntime supervision', () => {
  beforeEach(() => {
    launches.length = 0;
    launched.length = 0;
    autoLaunch = true;
  });
  afterEach(() => vi.useRealTimers());

  function runtime(): InstanceType<typeof TorRuntime> {
    return new TorRuntime({ torDir: '/nowhere', env: {}, restartBackoff: { initialMs: 10, maxMs: 10, stableAfterMs: 60_000 } });
  }

  it('stop() while a restarted tor is still launching stops that tor too', async () => {
    const tor = runtime();
    await tor.start();
    autoLaunch = false;
    launched[0]!.crash();
    await until(() => launches.length === 2, 'the restart to launch a new tor');

    const stopped = tor.stop();
    const late = new FakeTor();
    launches[1]!.resolve(late);
    await stopped;
    await sleep(20);

    expect(late.alive, 'the tor launched during stop() is still running').toBe(false);
    expect(tor.status.state).toBe('stopped');
    expect(tor.pid).toBeUndefined();
  });

  it('stop() while the first tor is still launching stops that tor, and start() says why it failed', async () => {
    const tor = runtime();
    autoLaunch = false;
    const started = tor.start();
    await until(() => launches.length === 1, 'start to launch tor');

    const stopped = tor.stop();
    const late = new FakeTor();
    launches[0]!.resolve(late);
    await stopped;
    await expect(started).rejects.toThrow(/stopped/);

    expect(late.alive, 'the tor launched during stop() is still running').toBe(false);
    expect(tor.status.state).toBe('stopped');
  });

  it('a restarted tor that dies while it is being set up is restarted once, not twice', async () => {
    const tor = runtime();
    await tor.start();
    const second = new FakeTor();
    second.control.hold = true; // SETEVENTS never answered until tor dies
    autoLaunch = false;
    launched[0]!.crash();
    await until(() => launches.length === 2, 'the first restart');
    launches[1]!.resolve(second);
    await until(() => second.control.sent.length > 0, 'the restarted tor to be set up');

    second.crash(); // a real tor takes a while to launch, so the next launches are held too
    await sleep(100);
    for (const pending of launches.slice(2)) pending.resolve(new FakeTor());
    await sleep(50);

    expect(launches.length, 'tors launched after the second crash').toBe(3);
    expect(launched.filter((t) => t.alive).length).toBe(1);
    expect(tor.status.state).toBe('running');
    await tor.stop();
    expect(launched.filter((t) => t.alive)).toEqual([]);
  });

  it('a fresh start() begins its restart backoff from the first delay again', async () => {
    const tor = new TorRuntime({ torDir: '/nowhere', env: {}, restartBackoff: { initialMs: 5, maxMs: 10_000, stableAfterMs: 60_000 } });
    const restarts: number[] = [];
    tor.on('restart', (restart) => restarts.push(restart.delayMs));
    await tor.start();
    for (let crash = 1; crash <= 3; crash += 1) {
      launched.at(-1)!.crash();
      await until(() => launched.length === crash + 1 && tor.status.state === 'running', `restart ${String(crash)}`);
    }
    await tor.stop();
    await tor.start();
    launched.at(-1)!.crash();
    await until(() => restarts.length === 4, 'the restart after a fresh start');
    expect(restarts).toEqual([5, 10, 20, 5]);
    await tor.stop();
  });

  it('a second stop() waits, like the first, until tor has exited', async () => {
    const tor = runtime();
    await tor.start();
    launched[0]!.exitDelayMs = 50;
    const first = tor.stop();
    await tor.stop();
    expect(launched[0]!.alive, 'tor still running when the second stop() returned').toBe(false);
    await first;
  });
});
