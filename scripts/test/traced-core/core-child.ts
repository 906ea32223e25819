// A whole core in a process of its own, for tests that watch it from outside: serves the API over IPC until the channel closes.
import { createCore } from '../../../electron/core/index.js';
import { backendFromCore, serveApi } from '../../../electron/shared/rpc/index.js';
import { channelFromIpc } from './ipc-channel.js';

/** What the child tells its parent once it answers requests. */
export interface ReadyMessage {
  readonly t: 'ready';
  readonly pid: number;
}

async function main(): Promise<void> {
  const dataDir = process.env.ALLIUM_DATA_DIR;
  if (dataDir === undefined || dataDir === '') throw new Error('ALLIUM_DATA_DIR is not set: startTracedCore sets it');
  // Cheap password hashing: the profiles are throwaway and the machine is shared.
  const core = await createCore({ dataDir, env: process.env, kdf: { name: 'scrypt', logN: 10, r: 8, p: 1 }, log: (line) => console.log(`[core] ${line}`) });
  const channel = channelFromIpc(process);
  serveApi(channel, backendFromCore(core));
  // The parent closing the channel (or dying) is the signal to stop: tor goes with the core.
  channel.onClose(() => {
    core.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[core] stopping failed', error);
        process.exit(1);
      },
    );
  });
  const ready: ReadyMessage = { t: 'ready', pid: process.pid };
  channel.send(ready);
}

main().catch((error: unknown) => {
  console.error('[core] could not start', error);
  process.exit(1);
});
