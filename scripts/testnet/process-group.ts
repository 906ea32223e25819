// The tors of one network, stopped together: by stop(), on SIGINT/SIGTERM, and killed on exit.
import { TorProcess } from './tor-process.js';

const TERMINATING_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

const liveGroups = new Set<ProcessGroup>();

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  await Promise.all([...liveGroups].map((group) => group.stop()));
  uninstallHandlers();
  // Our handler replaced Node's default action; restore it unless someone else handles the signal.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

const signalHandler = (signal: NodeJS.Signals): void => void onSignal(signal);

function onExit(): void {
  for (const group of liveGroups) group.killNow();
}

function installHandlers(): void {
  for (const signal of TERMINATING_SIGNALS) process.on(signal, signalHandler);
  process.on('exit', onExit);
}

function uninstallHandlers(): void {
  for (const signal of TERMINATING_SIGNALS) process.off(signal, signalHandler);
  process.off('exit', onExit);
}

export class ProcessGroup {
  readonly #processes = new Set<TorProcess>();
  readonly #afterStop: () => Promise<void>;
  #stopping: Promise<void> | undefined;

  /** @param afterStop cleanup that belongs to stopping (removing directories), also when a signal stops the group */
  constructor(afterStop: () => Promise<void> = () => Promise.resolve()) {
    this.#afterStop = afterStop;
    if (liveGroups.size === 0) installHandlers();
    liveGroups.add(this);
  }

  get processes(): readonly TorProcess[] {
    return [...this.#processes];
  }

  spawn(name: string, torBinary: string, torrcPath: string): TorProcess {
    if (this.#stopping !== undefined) throw new Error(`cannot start ${name}: the network is stopping`);
    const tor = new TorProcess(name, torBinary, torrcPath);
    this.#processes.add(tor);
    return tor;
  }

  /** Stops one process early (the readiness probe) and forgets it. */
  async stopOne(tor: TorProcess): Promise<void> {
    await tor.stop();
    this.#processes.delete(tor);
  }

  /** Idempotent: every process has exited when this resolves. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.all([...this.#processes].map((tor) => tor.stop()));
      await this.#afterStop();
      liveGroups.delete(this);
      if (liveGroups.size === 0) uninstallHandlers();
    })();
    return this.#stopping;
  }

  killNow(): void {
    for (const tor of this.#processes) tor.killNow();
  }
}
