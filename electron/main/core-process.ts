// The core in an Electron utility process: started with the data folder, handed one MessagePort per client, stopped cleanly (it stops tor).
import { MessageChannelMain, utilityProcess, type MessagePortMain, type UtilityProcess } from 'electron';
import { CoreProcessError } from './errors.js';

export interface CoreProcessOptions {
  /** The built utility entry (electron/core/utility-entry.ts). */
  readonly entryPath: string;
  readonly dataDir: string;
  /** Folder holding `<platform>-<arch>/tor`. */
  readonly torResourcesDir: string;
  /** Called when the process exits without being asked to stop. */
  readonly onUnexpectedExit: (code: number) => void;
}

/** How long the core gets to stop tor and flush its store before it is killed. */
const STOP_TIMEOUT_MS = 10_000;

export class CoreProcess {
  readonly #child: UtilityProcess;
  readonly #exited: Promise<number>;
  #stopping = false;

  constructor(options: CoreProcessOptions) {
    this.#child = utilityProcess.fork(options.entryPath, [], {
      serviceName: 'Allium core',
      stdio: 'inherit',
      env: { ...process.env, ALLIUM_DATA_DIR: options.dataDir, ALLIUM_TOR_RESOURCES_DIR: options.torResourcesDir },
    });
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code) => {
        if (!this.#stopping) options.onUnexpectedExit(code);
        resolve(code);
      });
    });
  }

  /** A new port to the core's API; the caller owns the returned end. */
  connect(): MessagePortMain {
    if (this.#stopping) throw new CoreProcessError('The core is stopping: no new connections');
    const { port1, port2 } = new MessageChannelMain();
    this.#child.postMessage({ type: 'connect' }, [port1]);
    return port2;
  }

  /** Asks the core to stop (it stops tor and closes its store), killing it if it takes too long. Idempotent. */
  async stop(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#child.postMessage({ type: 'stop' });
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
    });
    const outcome = await Promise.race([this.#exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      console.error(`[main] the core did not stop within ${STOP_TIMEOUT_MS} ms; killing it`);
      this.#child.kill();
      await this.#exited;
    }
  }
}
