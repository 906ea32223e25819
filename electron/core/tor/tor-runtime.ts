// Supervises one profile's tor: start, bootstrap progress, restart with backoff, onion services kept published.
import { EventEmitter } from 'node:events';
import { parseClientStatus, type BootstrapProgress } from './bootstrap-status.js';
import { assertNever } from '../../shared/assert-never.js';
import { parseReplyArgs, type ControlEvent } from './control/index.js';
import { TorProcessError, TorRuntimeStateError } from './errors.js';
import { publishOnionService, removeOnionService, type OnionReachability, type OnionServiceSpec } from './onion-service.js';
import { findTorBinary, type TorBinary } from './tor-binary.js';
import { TorProcess, type SocksEndpoint, type TorExit } from './tor-process.js';
import { readTorrcExtraFromEnv, validateExtraTorrcLines } from './torrc.js';

export interface TorRuntimeOptions {
  /** This profile's tor folder (tor's data directory and sockets live below it). */
  readonly torDir: string;
  /** Folder with bundled tor builds (`<platform>-<arch>/tor`), if the app ships one. */
  readonly resourcesDir?: string;
  /** Environment for ALLIUM_TOR_BINARY, ALLIUM_TORRC_EXTRA and PATH; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** torrc lines from the user's settings (bridges, custom options). */
  readonly settingsTorrcLines?: readonly string[];
  /** Restart delays: the first, doubled each time, capped; reset after a stable run. */
  readonly restartBackoff?: { readonly initialMs: number; readonly maxMs: number; readonly stableAfterMs: number };
}

export type TorRuntimeState = 'stopped' | 'starting' | 'running' | 'restarting' | 'stopping';

export interface TorStatus {
  readonly state: TorRuntimeState;
  readonly bootstrap: BootstrapProgress;
  /** tor's view of whether the network is reachable; undefined until tor says. */
  readonly networkUp?: boolean;
  /** Set when tor's clock check failed: what to tell the person. */
  readonly clockAdvice?: string;
  /** Why tor is restarting or failed to start. */
  readonly lastError?: string;
}

export interface OnionServiceStatus {
  readonly address: string;
  readonly reachability: OnionReachability;
}

export interface TorRestart {
  readonly attempt: number;
  readonly delayMs: number;
  readonly exit: TorExit;
}

export interface TorRuntimeEvents {
  status: [TorStatus];
  onion: [OnionServiceStatus];
  restart: [TorRestart];
  log: [string];
}

const NOT_STARTED: BootstrapProgress = { progress: 0, tag: 'starting', summary: 'Starting tor' };
const DEFAULT_BACKOFF = { initialMs: 1_000, maxMs: 30_000, stableAfterMs: 60_000 };

/** One profile's tor, kept running until stop(). */
export class TorRuntime extends EventEmitter<TorRuntimeEvents> {
  readonly #options: TorRuntimeOptions;
  readonly #services = new Map<string, { spec: OnionServiceSpec; reachability: OnionReachability }>();
  /** Services declared in torrc lines (HiddenServiceDir), which tor publishes by itself: only their reachability is ours. */
  readonly #declared = new Map<string, { reachability: OnionReachability }>();
  #process: TorProcess | undefined;
  #status: TorStatus = { state: 'stopped', bootstrap: NOT_STARTED };
  #powSupported = true;
  #streamLimitSupported = true;
  #restartAttempt = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  /** The latest launch (first start or a restart), so stop() can wait for it and leave no tor behind. */
  #launching: Promise<void> | undefined;
  /** A tor being set up (events, publishing): if it dies, that setup fails and its caller decides about restarting. */
  #settingUp: TorProcess | undefined;
  /** The stop under way, which a second stop() waits for rather than returning while tor still runs. */
  #stopping: Promise<void> | undefined;
  #binary: TorBinary | undefined;
  #extraLines: string[] = [];
  #settingsLines: readonly string[];

  constructor(options: TorRuntimeOptions) {
    super();
    this.#options = options;
    this.#settingsLines = options.settingsTorrcLines ?? [];
  }

  /** Lines from the user's settings for the next start (bridges, custom options); restart tor to apply them. */
  setSettingsTorrcLines(lines: readonly string[]): void {
    validateExtraTorrcLines(lines, 'Settings → tor options');
    this.#settingsLines = lines;
  }

  get status(): TorStatus {
    return this.#status;
  }

  /** Where to dial onion addresses through this tor, while it runs. */
  get socks(): SocksEndpoint | undefined {
    return this.#process?.socks;
  }

  /** pid of the current tor process, while it runs. */
  get pid(): number | undefined {
    return this.#process?.pid;
  }

  onionStatus(address: string): OnionReachability | undefined {
    return (this.#services.get(address) ?? this.#declared.get(address))?.reachability;
  }

  /**
   * Follows the reachability of a service that the torrc lines declare (HiddenServiceDir), for services that need
   * per-service options ADD_ONION does not take, such as intro-point rate limiting. tor publishes it at every start.
   */
  watchDeclaredService(address: string): void {
    if (!this.#declared.has(address)) this.#declared.set(address, { reachability: this.#process === undefined ? 'offline' : 'publishing' });
  }

  /** Starts tor; resolves when its control port is ours (bootstrap goes on, reported by `status` events). */
  async start(): Promise<void> {
    if (this.#status.state !== 'stopped') throw new TorRuntimeStateError(`tor is already ${this.#status.state}.`);
    this.#setStatus({ state: 'starting', bootstrap: NOT_STARTED });
    // Crashes of an earlier run (before stop(), e.g. new settings) say nothing about this one.
    this.#restartAttempt = 0;
    try {
      const env = this.#options.env ?? process.env;
      this.#binary = findTorBinary({ resourcesDir: this.#options.resourcesDir, env });
      this.#extraLines = [
        ...(await readTorrcExtraFromEnv(env)),
        ...validateExtraTorrcLines(this.#settingsLines, 'Settings → tor options'),
      ];
      await this.#launch();
    } catch (error) {
      this.#setStatus({ state: 'stopped', bootstrap: NOT_STARTED, lastError: errorText(error) });
      throw error;
    }
  }

  /** Stops tor and forgets nothing: services published before stay listed for the next start. Idempotent. */
  stop(): Promise<void> {
    if (this.#status.state === 'stopped') return Promise.resolve();
    if (this.#status.state === 'stopping' && this.#stopping !== undefined) return this.#stopping;
    const stopping = this.#stop();
    this.#stopping = stopping;
    return stopping;
  }

  async #stop(): Promise<void> {
    this.#setStatus({ ...this.#status, state: 'stopping' });
    clearTimeout(this.#restartTimer);
    const running = this.#process;
    this.#process = undefined;
    if (running !== undefined) {
      for (const address of this.#services.keys()) {
        await removeOnionService(running.control, address).catch(() => undefined);
      }
      await running.stop();
    }
    // A launch under way sees 'stopping' once its tor is up and stops that tor itself.
    await this.#launching?.catch(() => undefined);
    this.#allOffline();
    this.#setStatus({ state: 'stopped', bootstrap: NOT_STARTED });
  }

  /** Publishes a service now if tor runs, and again after every restart. */
  async publish(spec: OnionServiceSpec): Promise<void> {
    if (this.#status.state === 'stopped' || this.#status.state === 'stopping') {
      throw new TorRuntimeStateError('Start tor before publishing an onion service.');
    }
    const entry = { spec, reachability: 'publishing' as OnionReachability };
    this.#services.set(spec.key.address, entry);
    this.emit('onion', { address: spec.key.address, reachability: 'publishing' });
    const running = this.#process;
    if (running !== undefined) await this.#publishOn(running, entry);
  }

  /** Stops publishing a service. */
  async unpublish(address: string): Promise<void> {
    const entry = this.#services.get(address);
    if (entry === undefined) return;
    this.#services.delete(address);
    if (this.#process !== undefined) await removeOnionService(this.#process.control, address);
    this.emit('onion', { address, reachability: 'offline' });
  }

  /** Resolves when tor reports 100 % bootstrap; rejects after `timeoutMs` or if tor is stopped meanwhile. */
  waitForBootstrap(timeoutMs: number): Promise<void> {
    return this.#waitFor(() => this.#status.bootstrap.progress >= 100, timeoutMs, 'tor to bootstrap');
  }

  /** Resolves when tor reports the service's descriptor uploaded to at least one directory. */
  waitForReachable(address: string, timeoutMs: number): Promise<void> {
    return this.#waitFor(() => this.onionStatus(address) === 'reachable', timeoutMs, `${address}.onion to be published`);
  }

  #waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) finish();
        else if (this.#status.state === 'stopped') finish(new TorRuntimeStateError(`tor stopped while waiting for ${what}.`));
      };
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.off('status', check);
        this.off('onion', check);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => finish(new TorProcessError(`Timed out after ${String(timeoutMs)} ms waiting for ${what}.`, this.#process?.recentLog() ?? [])),
        timeoutMs,
      );
      this.on('status', check);
      this.on('onion', check);
    });
  }

  #launch(): Promise<void> {
    const launching = this.#launchOnce();
    this.#launching = launching;
    return launching;
  }

  async #launchOnce(): Promise<void> {
    if (this.#binary === undefined) throw new TorRuntimeStateError('tor binary not resolved.');
    const launched = await TorProcess.launch({
      binary: this.#binary,
      torDir: this.#options.torDir,
      extraLines: this.#extraLines,
      onLog: (line) => this.emit('log', line),
    });
    if (this.#status.state === 'stopping' || this.#status.state === 'stopped') {
      await launched.stop();
      throw new TorRuntimeStateError('tor was stopped while it was starting.');
    }
    const startedAt = Date.now();
    this.#process = launched;
    this.#settingUp = launched;
    void launched.exited.then((exit) => this.#onExit(launched, exit, Date.now() - startedAt));
    try {
      launched.control.on('event', (event) => this.#onControlEvent(event));
      await launched.control.setEvents(['STATUS_CLIENT', 'HS_DESC']);
      if (this.#process !== launched) throw new TorRuntimeStateError('tor exited or was stopped while it was starting.');
      this.#setStatus({ state: 'running', bootstrap: NOT_STARTED });
      for (const [address, entry] of this.#declared) this.#setReachability(address, entry, 'publishing');
      const phase = await launched.control.getInfo(['status/bootstrap-phase']);
      const notice = parseClientStatus(parseReplyArgs(phase['status/bootstrap-phase'] ?? ''));
      if (notice?.kind === 'bootstrap') this.#setStatus({ ...this.#status, bootstrap: notice.bootstrap });
      for (const entry of this.#services.values()) await this.#publishOn(launched, entry);
      if (this.#process !== launched) throw new TorRuntimeStateError('tor exited or was stopped while it was starting.');
    } catch (error) {
      if (this.#process === launched) this.#process = undefined;
      await launched.stop();
      throw error;
    } finally {
      if (this.#settingUp === launched) this.#settingUp = undefined;
    }
  }

  async #publishOn(running: TorProcess, entry: { spec: OnionServiceSpec; reachability: OnionReachability }): Promise<void> {
    this.#setReachability(entry.spec.key.address, entry, 'publishing');
    const outcome = await publishOnionService(running.control, entry.spec, this.#powSupported, this.#streamLimitSupported);
    this.#powSupported = outcome.powEnabled;
    if (entry.spec.maxStreamsPerCircuit !== undefined) this.#streamLimitSupported = outcome.streamLimitEnabled;
  }

  #onControlEvent(event: ControlEvent): void {
    if (event.type === 'STATUS_CLIENT') {
      const notice = parseClientStatus(event.args);
      if (notice === undefined) return;
      switch (notice.kind) {
        case 'bootstrap':
          this.#setStatus({ ...this.#status, bootstrap: notice.bootstrap });
          break;
        case 'network-liveness':
          this.#setStatus({ ...this.#status, networkUp: notice.up });
          break;
        case 'clock-skew':
          this.#setStatus({ ...this.#status, clockAdvice: notice.advice });
          break;
        default:
          assertNever(notice);
      }
    } else if (event.type === 'HS_DESC') {
      // HS_DESC UPLOADED <address> <auth type> <hsdir> ...
      const [action, address] = event.args.positional;
      const entry = address === undefined ? undefined : (this.#services.get(address) ?? this.#declared.get(address));
      if (action === 'UPLOADED' && entry !== undefined && address !== undefined) this.#setReachability(address, entry, 'reachable');
    }
  }

  #onExit(exited: TorProcess, exit: TorExit, ranForMs: number): void {
    if (exited.stopping || this.#process !== exited) return;
    this.#process = undefined;
    this.#allOffline();
    // A tor that dies while being set up fails that setup, whose caller restarts it: one restart, not two.
    if (this.#settingUp === exited) return;
    if (ranForMs >= this.#backoff.stableAfterMs) this.#restartAttempt = 0;
    const delayMs = this.#nextRestartDelay();
    const reason = `tor exited unexpectedly (code ${String(exit.code)}, signal ${String(exit.signal)}); restarting in ${String(delayMs)} ms.`;
    this.#setStatus({ state: 'restarting', bootstrap: NOT_STARTED, lastError: reason });
    this.emit('restart', { attempt: this.#restartAttempt, delayMs, exit });
    this.#scheduleRestart(delayMs);
  }

  get #backoff(): NonNullable<TorRuntimeOptions['restartBackoff']> {
    return this.#options.restartBackoff ?? DEFAULT_BACKOFF;
  }

  #nextRestartDelay(): number {
    this.#restartAttempt += 1;
    return Math.min(this.#backoff.maxMs, this.#backoff.initialMs * 2 ** (this.#restartAttempt - 1));
  }

  #scheduleRestart(delayMs: number): void {
    this.#restartTimer = setTimeout(() => {
      if (this.#status.state !== 'restarting') return;
      this.#launch().catch((error: unknown) => {
        if (this.#status.state !== 'restarting' && this.#status.state !== 'running') return;
        this.#setStatus({ state: 'restarting', bootstrap: NOT_STARTED, lastError: errorText(error) });
        this.#scheduleRestart(this.#nextRestartDelay());
      });
    }, delayMs);
  }

  #setReachability(address: string, entry: { reachability: OnionReachability }, reachability: OnionReachability): void {
    if (entry.reachability === reachability) return;
    entry.reachability = reachability;
    this.emit('onion', { address, reachability });
  }

  #allOffline(): void {
    for (const [address, entry] of [...this.#services, ...this.#declared]) this.#setReachability(address, entry, 'offline');
  }

  #setStatus(status: TorStatus): void {
    this.#status = status;
    this.emit('status', status);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
