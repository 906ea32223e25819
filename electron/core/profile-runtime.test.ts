// ProfileRuntime driving its tor: new tor settings against sign-out, with stand-ins for tor, links, Signal and messaging.
import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** Stands in for TorRuntime: stopping takes a moment, as a real tor's exit does; a second stop() meanwhile returns at once. */
class FakeTor extends EventEmitter {
  running = false;
  lines: readonly string[] = [];
  state: 'stopped' | 'running' | 'stopping' = 'stopped';
  get status(): { state: string; bootstrap: { progress: number; tag: string; summary: string } } {
    return { state: this.state, bootstrap: { progress: 0, tag: 'starting', summary: 'Starting tor' } };
  }
  socks = undefined;

  start(): Promise<void> {
    if (this.state !== 'stopped') return Promise.reject(new Error(`tor is already ${this.state}.`));
    this.state = 'running';
    this.running = true;
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const first = this.state !== 'stopping';
    this.state = 'stopping';
    this.running = false;
    if (first) await new Promise((resolve) => setTimeout(resolve, 20));
    this.state = 'stopped';
  }

  publish(): Promise<void> {
    return Promise.resolve();
  }

  setSettingsTorrcLines(lines: readonly string[]): void {
    this.lines = lines;
  }
}

const tors: FakeTor[] = [];

vi.mock('./tor/index.js', () => ({
  createTorRuntime: (): FakeTor => {
    const tor = new FakeTor();
    tors.push(tor);
    return tor;
  },
}));
vi.mock('./signal/index.js', () => ({ SignalSessions: { open: () => Promise.resolve({}) } }));
vi.mock('./store/index.js', () => ({ StateSignalRecords: class {} }));
vi.mock('./messaging/messenger.js', () => ({
  Messenger: class extends EventEmitter {
    start(): Promise<void> {
      return Promise.resolve();
    }
    stop(): void {}
    isBlocked(): boolean {
      return false;
    }
  },
}));
vi.mock('./relays/index.js', () => ({
  RelayService: class {
    start(): void {}
    reachable(): Promise<void> {
      return Promise.resolve();
    }
    stop(): void {}
  },
}));
vi.mock('./link/index.js', () => ({
  LinkManager: class {
    adopt(): void {}
    close(): void {}
  },
  OnionListener: class extends EventEmitter {
    listen(): Promise<{ kind: 'unix'; path: string }> {
      return Promise.resolve({ kind: 'unix', path: '/nowhere/peer.sock' });
    }
    close(): void {}
  },
  OnionDialError: class extends Error {},
  MAX_STREAMS_PER_CIRCUIT: 8,
  defaultListenEndpoint: (path: string) => ({ kind: 'unix', path }),
  dialPeer: () => Promise.reject(new Error('no dialing in this test')),
}));

const { ProfileRuntime } = await import('./profile-runtime.js');
const { generateOnionKey } = await import('./identity/index.js');

function session(): never {
  const settings = { bridges: [], torOptions: [] };
  return {
    state: { identity: { onionSeed: generateOnionKey().seed }, settings, nickname: 'me', setIdentity: () => Promise.resolve() },
  } as never;
}

describe('ProfileRuntime and its tor', () => {
  let torDir: string;
  beforeEach(async () => {
    tors.length = 0;
    torDir = await mkdtemp(join(tmpdir(), 'allium-profile-runtime-'));
  });
  afterEach(() => rm(torDir, { recursive: true, force: true }));

  it('signing out while new tor settings are applied leaves tor stopped', async () => {
    const runtime = await ProfileRuntime.start({ session: session(), torDir });
    const tor = tors[0]!;

    const reconfigured = runtime.reconfigureTor(['obfs4 192.0.2.1:443 AAAA cert=x iat-mode=0'], []);
    await runtime.stop();
    await reconfigured.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(tor.running, 'tor runs after sign-out').toBe(false);
  });

  it('applies the settings saved last when they change twice in a row', async () => {
    const runtime = await ProfileRuntime.start({ session: session(), torDir });
    const tor = tors[0]!;

    const first = runtime.reconfigureTor([], ['SafeLogging 1']);
    const second = runtime.reconfigureTor([], ['SafeLogging 0']);
    await Promise.allSettled([first, second]);

    expect(tor.running).toBe(true);
    expect(tor.lines).toEqual(['SafeLogging 0']);
    await runtime.stop();
  });
});
