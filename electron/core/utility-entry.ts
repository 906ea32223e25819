// Entry of the core's Electron utility process: starts the core and serves the API on every MessagePort main hands over.
import { z } from 'zod';
import { backendFromCore, channelFromEmitterPort, serveApi, type EmitterPortLike } from '../shared/rpc/index.js';
import { createCore, keepRunningOnUnhandledRejection } from './index.js';

/**
 * Electron's `process.parentPort`, declared by shape: the core never imports electron, and under plain Node the
 * property is absent.
 */
interface ParentPort {
  on(event: 'message', listener: (event: { readonly data: unknown; readonly ports: readonly EmitterPortLike[] }) => void): void;
  postMessage(message: unknown): void;
}

const controlMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('connect') }), z.object({ type: z.literal('stop') })]);

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set: the utility process is started by Electron main, which sets it`);
  return value;
}

async function main(): Promise<void> {
  const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
  if (parentPort === undefined) throw new Error('utility-entry runs only inside an Electron utility process (process.parentPort is missing)');
  // Electron would restart a core that died of a rejection nobody handled, and the profile would come back locked.
  keepRunningOnUnhandledRejection((line) => console.error(`[core] ${line}`));
  // Listen before the core is up, so no port main sends meanwhile is lost: each waits for the core.
  const starting = createCore({ dataDir: requiredEnv('ALLIUM_DATA_DIR'), resourcesDir: process.env.ALLIUM_TOR_RESOURCES_DIR, env: process.env });
  const ready = starting.then((core) => ({ core, backend: backendFromCore(core) }));
  parentPort.on('message', (event) => {
    const message = controlMessage.safeParse(event.data);
    if (!message.success) {
      console.error('[core] ignored an unknown message from main');
      return;
    }
    switch (message.data.type) {
      case 'connect': {
        const port = event.ports[0];
        if (port === undefined) return;
        ready.then(
          ({ backend }) => serveApi(channelFromEmitterPort(port), backend),
          () => port.close(),
        );
        return;
      }
      case 'stop':
        ready
          .then(({ core }) => core.stop())
          .then(
            () => process.exit(0),
            (error: unknown) => {
              console.error('[core] stopping failed', error);
              process.exit(1);
            },
          );
        return;
    }
  });
  await ready;
}

main().catch((error: unknown) => {
  console.error('[core] could not start', error);
  process.exit(1);
});
