// Web mode as one service: the core for a data folder plus the web server in front of it, started and stopped together.
import { createCore, keepRunningOnUnhandledRejection } from '../core/index.js';
import { backendFromCore } from '../shared/rpc/index.js';
import { resolveDataDir } from './app-data-dir.js';
import { RENDERER_DIST_DIR, TOR_RESOURCES_DIR } from './repo-paths.js';
import { startWebServer } from './web-server.js';

export interface WebModeOptions {
  /** Defaults to the OS's app data folder, or ALLIUM_DATA_DIR. */
  readonly dataDir?: string;
  readonly rendererDir?: string;
  readonly resourcesDir?: string;
  /** Unset (the default) or 0 picks a free port. */
  readonly port?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface WebMode {
  readonly url: string;
  readonly dataDir: string;
  /** Closes the server, then stops the core (and so tor). Idempotent. */
  stop(): Promise<void>;
}

export async function startWebMode(options: WebModeOptions = {}): Promise<WebMode> {
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? resolveDataDir({ env });
  const core = await createCore({ dataDir, resourcesDir: options.resourcesDir ?? TOR_RESOURCES_DIR, env });
  let server;
  try {
    server = await startWebServer({ backend: backendFromCore(core), rendererDir: options.rendererDir ?? RENDERER_DIST_DIR, port: options.port });
  } catch (error) {
    await core.stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    dataDir,
    stop() {
      stopping ??= server.close().finally(() => core.stop());
      return stopping;
    },
  };
}

/** Runs web mode until SIGINT or SIGTERM, printing the URL to open. */
export async function runWebModeUntilSignal(options: WebModeOptions = {}): Promise<void> {
  // Node would end the process on a rejection nobody handled; web mode logs it and keeps serving.
  const uninstall = keepRunningOnUnhandledRejection((line) => console.error(`[core] ${line}`));
  const web = await startWebMode(options);
  console.log(`Allium (web mode) is serving profiles from ${web.dataDir}`);
  console.log(`Open this URL in your browser (after the # is this launch's access token; keep it private):\n\n  ${web.url}\n`);
  console.log('The tab keeps the token through reloads; to open Allium in another tab or window, open this URL there too.\n');
  await new Promise<void>((resolve) => {
    const shutdown = (): void => {
      console.log('Stopping Allium…');
      web.stop().then(resolve, (error: unknown) => {
        console.error('Allium did not stop cleanly:', error);
        process.exitCode = 1;
        resolve();
      });
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  uninstall();
}
