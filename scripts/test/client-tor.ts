// Starts a bare client tor joined to the testnet, with a SOCKS port and a cookie-authenticated control port.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProcessGroup } from '../testnet/process-group.js';
import type { TorProcess } from '../testnet/tor-process.js';
import { processLines, torrcText } from '../testnet/torrc.js';
import { freePort } from './free-port.js';

export interface ClientTor {
  readonly tor: TorProcess;
  readonly dataDir: string;
  readonly socksPort: number;
  readonly controlPort: number;
  /** where tor writes the control-port cookie (CookieAuthentication 1) */
  readonly cookieFile: string;
}

export interface ClientTorOptions {
  /** nickname-like label, also the name of its data directory under parentDir */
  name: string;
  parentDir: string;
  /** the testnet's client lines (inject('testnetTorrcLines')) */
  networkLines: readonly string[];
  /** more torrc lines, e.g. HiddenServiceDir/HiddenServicePort */
  extraLines?: readonly string[];
}

/** Spawns the tor into `group`, which stops it; does not wait for bootstrap. */
export async function startClientTor(group: ProcessGroup, { name, parentDir, networkLines, extraLines = [] }: ClientTorOptions): Promise<ClientTor> {
  const dataDir = join(parentDir, name);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const socksPort = await freePort();
  const controlPort = await freePort();
  const torrc = join(dataDir, 'torrc');
  await writeFile(
    torrc,
    torrcText([
      ...networkLines,
      ...processLines(dataDir, process.pid),
      `SocksPort 127.0.0.1:${socksPort}`,
      `ControlPort 127.0.0.1:${controlPort}`,
      'CookieAuthentication 1',
      ...extraLines,
    ]),
  );
  const tor = group.spawn(name, 'tor', torrc);
  return { tor, dataDir, socksPort, controlPort, cookieFile: join(dataDir, 'control_auth_cookie') };
}
