// Everything an unlocked profile runs: its tor and onion service, the listener, peer links, Signal, messaging and relay mailboxes.
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiEvents, IdentityDto, Reachability, TorStatusDto } from '../shared/api/index.js';
import type { OnionAddress } from '../shared/onion-address/index.js';
import { forwardMessagingEvents } from './api-events.js';
import { generateOnionKey, onionKeyFromSeed, type OnionKey } from './identity/index.js';
import { LinkManager, OnionDialError, OnionListener, defaultListenEndpoint, dialPeer, dialStream } from './link/index.js';
import { Messenger } from './messaging/messenger.js';
import { GroupDirectory } from './relays/group-directory.js';
import { RelayService } from './relays/index.js';
import { SignalSessions } from './signal/index.js';
import { StateSignalRecords, type ProfileSession } from './store/index.js';
import { bridgeTorrcLines } from './tor/bridges.js';
import { createTorRuntime, TorProcessError, type TorRuntime, type TorStatus } from './tor/index.js';

/** The port peers dial at `<address>.onion`. */
export const VIRTUAL_PORT = 9878;

export interface ProfileRuntimeOptions {
  readonly session: ProfileSession;
  /** Folder for this profile's tor (outside the sealed profile folder: tor's files hold no secret of ours). */
  readonly torDir: string;
  readonly resourcesDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
}

type RuntimeEvents = { [E in keyof ApiEvents]: [ApiEvents[E]] };

/** One unlocked profile, live on the network until stop(). */
export class ProfileRuntime extends EventEmitter<RuntimeEvents> {
  readonly messenger: Messenger;
  readonly relays: RelayService;
  /** LIST and JOIN-by-name of public groups on my relays. */
  readonly directory: GroupDirectory;
  readonly signal: SignalSessions;
  readonly tor: TorRuntime;
  readonly #session: ProfileSession;
  readonly #onionKey: OnionKey;
  readonly #listener: OnionListener;
  readonly #links: LinkManager;
  readonly #socketDir: string;
  readonly #resourcesDir: string | undefined;
  readonly #log: ((line: string) => void) | undefined;
  #reachability: Reachability = 'offline';
  #stopped = false;
  /** Tor reconfigurations run one at a time, and stop() waits for the one under way. */
  #reconfiguring: Promise<void> = Promise.resolve();
  /** Why tor refused the bridge and option lines from Settings, while it runs without them. */
  #settingsRefused: string | undefined;

  private constructor(options: ProfileRuntimeOptions, onionKey: OnionKey, signal: SignalSessions, socketDir: string) {
    super();
    this.#session = options.session;
    this.#onionKey = onionKey;
    this.#socketDir = socketDir;
    this.#resourcesDir = options.resourcesDir;
    this.#log = options.log;
    this.signal = signal;
    // The lines from Settings are given at each start (#startTor), which may have to leave them out.
    this.tor = createTorRuntime({
      torDir: options.torDir,
      ...(options.resourcesDir === undefined ? {} : { resourcesDir: options.resourcesDir }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    const localAddress = onionKey.address;
    this.#links = new LinkManager({
      localAddress,
      dial: (peer) => {
        const socks = this.tor.socks;
        if (socks === undefined) return Promise.reject(new OnionDialError('tor-unavailable', 'tor is not running yet.'));
        return dialPeer({ signer: onionKey, peer, socks, port: VIRTUAL_PORT });
      },
    });
    this.messenger = new Messenger({
      localAddress,
      onionKey,
      filesDir: options.session.filesDir,
      relayClient: (relay) => this.relays.client(relay),
      dialFile: (peer) => {
        const socks = this.tor.socks;
        if (socks === undefined) return Promise.reject(new OnionDialError('tor-unavailable', 'tor is not running yet.'));
        return dialStream({ signer: onionKey, peer, socks, port: VIRTUAL_PORT }, 'file');
      },
      session: options.session,
      signal,
      links: this.#links,
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    this.relays = new RelayService({
      state: options.session.state,
      messenger: this.messenger,
      targetFor: (relay) => {
        const socks = this.tor.socks;
        return socks === undefined ? undefined : { kind: 'onion', address: relay, socks };
      },
      onRelays: (relays) => this.emit('relays.updated', relays),
      log: (line) => options.log?.(line),
    });
    this.directory = new GroupDirectory({
      state: options.session.state,
      groups: () => this.messenger.groups,
      client: (relay) => this.relays.client(relay),
      onionKey,
      log: (line) => options.log?.(line),
    });
    this.#listener = new OnionListener({
      localAddress,
      endpoint: defaultListenEndpoint(join(socketDir, 'peer.sock')),
      isBlocked: (caller) => this.messenger.isBlocked(caller),
      acceptsFileStream: (caller) => this.messenger.files.accepts(caller),
    });
    this.#listener.on('file-stream', (stream) => void this.messenger.files.serve(stream));
    this.#listener.on('link', (link) => this.#links.adopt(link));
    // Forged or replayed proofs, blocked callers and floods end here: logged by kind, never with key material.
    this.#listener.on('rejected', (rejected) => {
      const who = rejected.reason === 'handshake-failed' && rejected.caller !== undefined ? ` from ${rejected.caller}` : '';
      const why = rejected.reason === 'handshake-failed' ? `${rejected.error.name}: ${rejected.error.message}` : rejected.reason;
      options.log?.(`refused an incoming connection${who}: ${why}`);
    });
    forwardMessagingEvents(this.messenger, this);
    // The owner's listings follow joins and leaves (see GroupDirectory.groupChanged).
    this.messenger.on('group.changed', ({ group }) => this.directory.groupChanged(group));
    this.tor.on('status', () => this.emit('tor.status', this.torStatus()));
    this.tor.on('onion', ({ address, reachability }) => {
      if (address !== localAddress) return;
      this.#reachability = reachability;
      this.emit('identity.updated', this.identity());
    });
  }

  /** Loads or creates the profile's keys, then starts tor, the listener and messaging; publishing goes on in the background. */
  static async start(options: ProfileRuntimeOptions): Promise<ProfileRuntime> {
    const { state } = options.session;
    let seed = state.identity.onionSeed;
    if (seed === null) {
      seed = generateOnionKey().seed;
      await state.setIdentity({ onionSeed: seed });
    }
    const onionKey = onionKeyFromSeed(seed);
    const signal = await SignalSessions.open({ records: new StateSignalRecords(state), onionKey });
    await mkdir(options.torDir, { recursive: true, mode: 0o700 });
    // Unix socket paths are limited to ~100 bytes, so the listener lives in a short private folder.
    const socketDir = await mkdtemp(join(tmpdir(), 'allium-'));
    const runtime = new ProfileRuntime(options, onionKey, signal, socketDir);
    try {
      await runtime.#start();
    } catch (error) {
      await runtime.stop();
      throw error;
    }
    return runtime;
  }

  async #start(): Promise<void> {
    const target = await this.#listener.listen();
    await this.messenger.start();
    this.relays.start();
    const { bridges, torOptions } = this.#session.state.settings;
    await this.#startTor(settingsLines(bridges, torOptions, this.#resourcesDir));
    await this.tor.publish({ key: this.#onionKey, virtualPort: VIRTUAL_PORT, target });
    void this.relays.reachable();
  }

  get address(): OnionAddress {
    return this.#onionKey.address;
  }

  identity(): IdentityDto {
    return {
      address: this.#onionKey.address,
      nickname: this.#session.state.nickname,
      reachability: this.#reachability,
      shareText: `${this.#onionKey.address}.onion`,
    };
  }

  torStatus(): TorStatusDto {
    return { ...torStatusDto(this.tor.status), ...(this.#settingsRefused === undefined ? {} : { settingsRefused: this.#settingsRefused }) };
  }

  /**
   * Starts tor with the lines from Settings. If tor refuses them (a mistyped bridge or option), it starts without
   * them and says why: the settings live inside the profile, so failing here would lock the user out of it for good.
   */
  async #startTor(lines: readonly string[]): Promise<void> {
    this.tor.setSettingsTorrcLines(lines);
    try {
      await this.tor.start();
      this.#settingsRefused = undefined;
    } catch (error) {
      if (lines.length === 0 || this.#stopped) throw error;
      this.#settingsRefused = torsComplaint(error);
      this.#log?.(`tor refused the settings' bridge and option lines; starting without them: ${this.#settingsRefused}`);
      this.tor.setSettingsTorrcLines([]);
      await this.tor.start();
    }
    this.emit('tor.status', this.torStatus());
  }

  /** Restarts tor with new bridge and option lines; the onion service is published again. */
  reconfigureTor(bridges: readonly string[], torOptions: readonly string[], resourcesDir?: string): Promise<void> {
    const run = this.#reconfiguring.then(async () => {
      if (this.#stopped) return;
      // Checked before tor stops, so lines tor would never get do not leave it stopped.
      const lines = settingsLines(bridges, torOptions, resourcesDir);
      this.tor.setSettingsTorrcLines(lines);
      await this.tor.stop();
      // Signed out meanwhile: tor stays stopped.
      if (this.#stopped) return;
      await this.#startTor(lines);
      void this.relays.reachable();
    });
    this.#reconfiguring = run.catch(() => undefined);
    return run;
  }

  /** Stops messaging, links, tor and the listener. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.messenger.stop();
    this.relays.stop();
    this.directory.stop();
    this.#links.close();
    this.#listener.close();
    await this.#reconfiguring;
    await this.tor.stop();
    await rm(this.#socketDir, { recursive: true, force: true });
  }
}

function settingsLines(bridges: readonly string[], torOptions: readonly string[], resourcesDir: string | undefined): string[] {
  return [...bridgeTorrcLines(bridges, resourcesDir), ...torOptions];
}

/**
 * Tor's own complaint about its configuration: the warning just before "Failed to parse/validate config" (the
 * specific one, e.g. "Error parsing Bridge address 'x'"), else that line's reason, else the error's first line.
 */
function torsComplaint(error: unknown): string {
  const log = error instanceof TorProcessError ? error.recentLog : [];
  const failed = log.findIndex((line) => line.includes('Failed to parse/validate config'));
  const words = (line: string): string => line.replace(/^.*?\[(warn|err)\]\s*/, '');
  const before = failed > 0 ? log[failed - 1] : undefined;
  if (before?.includes('[warn]')) return words(before);
  const failedLine = log[failed];
  if (failedLine !== undefined) return words(failedLine).replace(/^Failed to parse\/validate config:\s*/, '');
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
}

function torStatusDto(status: TorStatus): TorStatusDto {
  return {
    state: status.state,
    progress: status.bootstrap.progress,
    summary: status.bootstrap.summary,
    ...(status.bootstrap.problem === undefined ? {} : { problem: status.bootstrap.problem }),
    ...(status.networkUp === undefined ? {} : { networkUp: status.networkUp }),
    ...(status.clockAdvice === undefined ? {} : { clockAdvice: status.clockAdvice }),
    ...(status.lastError === undefined ? {} : { lastError: status.lastError }),
  };
}
