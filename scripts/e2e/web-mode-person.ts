// One person of the browser journey: a fresh data folder, a core joined to the test network and web mode serving it; no profile yet.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../electron/core/index.js';
import { backendFromCore } from '../../electron/shared/rpc/index.js';
import { TOR_RESOURCES_DIR } from '../../electron/web/repo-paths.js';
import { startWebServer, type WebServer } from '../../electron/web/web-server.js';

// Cheap password hashing: the journey types real passwords, but must not spend seconds on each unlock.
const FAST_KDF = { name: 'scrypt', logN: 10, r: 8, p: 1 } as const;

export interface WebModePerson {
  readonly name: string;
  /** The launch URL with the token in its fragment (`http://127.0.0.1:<port>/#token=…`), as web mode prints it. */
  readonly url: string;
  /** Read-only use in assertions; the journey itself acts through the page. */
  readonly core: Core;
  /** Stops the server, the core (and so its tor) and deletes the data folder. Idempotent. */
  stop(): Promise<void>;
}

export interface WebModePersonOptions {
  readonly name: string;
  readonly torrcExtraFile: string;
  readonly rendererDir: string;
  readonly log: (line: string) => void;
}

export async function startWebModePerson({ name, torrcExtraFile, rendererDir, log }: WebModePersonOptions): Promise<WebModePerson> {
  const dataDir = await mkdtemp(join(tmpdir(), `allium-e2e-${name.toLowerCase()}-`));
  let core: Core | undefined;
  let server: WebServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await server?.close();
      await core?.stop();
      await rm(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  try {
    core = await createCore({
      dataDir,
      resourcesDir: TOR_RESOURCES_DIR,
      env: { ...process.env, ALLIUM_TORRC_EXTRA: torrcExtraFile },
      kdf: FAST_KDF,
      log: (line) => log(`${name}: ${line}`),
    });
    server = await startWebServer({
      backend: backendFromCore(core),
      rendererDir,
      logError: (context, error) => log(`${name}: web ${context}: ${String(error)}`),
    });
    return { name, url: server.url, core, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
