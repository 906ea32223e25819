// The port web mode listens on: ALLIUM_WEB_PORT read and checked, and a refused listen explained in words.
import { createServer } from 'node:net';
import { WebPortSettingError, WebPortUnavailableError, WebServerStartError } from './errors.js';

/** The port ALLIUM_WEB_PORT asks for; undefined (a free port) when it is unset or empty. */
export function webPortFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.ALLIUM_WEB_PORT;
  if (value === undefined || value === '') return undefined;
  // Digits only: Number() would also take " 80", "0x50", "8e1" and "80.0".
  if (!/^[0-9]{1,5}$/.test(value)) throw new WebPortSettingError(value);
  const port = Number(value);
  if (port < 1 || port > 65_535) throw new WebPortSettingError(value);
  return port;
}

/** Why listening on 127.0.0.1:`port` failed, as an error a person can act on. */
export function listenFailure(port: number, error: unknown): Error {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (port !== 0 && code === 'EADDRINUSE') return new WebPortUnavailableError(port, 'in-use', { cause: error });
  if (port !== 0 && code === 'EACCES') return new WebPortUnavailableError(port, 'not-permitted', { cause: error });
  return new WebServerStartError(`Could not listen on 127.0.0.1:${port}`, { cause: error });
}

/**
 * Listens on the port for a moment, so a taken port is refused before the renderer build and the core start; the web
 * server still reports the same error should another program take the port in between.
 */
export async function checkPortFree(port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error) => reject(listenFailure(port, error)));
    probe.listen(port, '127.0.0.1', resolve);
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
