// Builds the per-profile torrc: data directory, SOCKS and control endpoints, ownership, extra lines.
import { readFile } from 'node:fs/promises';
import { TorConfigError } from './errors.js';

/** Options Allium manages itself; extra lines may not override them. */
const MANAGED_OPTIONS = new Set(
  [
    'DataDirectory',
    'SocksPort',
    'ControlPort',
    'ControlSocket',
    'ControlPortWriteToFile',
    'CookieAuthentication',
    'CookieAuthFile',
    'HashedControlPassword',
    '__OwningControllerProcess',
    'RunAsDaemon',
    'User',
  ].map((o) => o.toLowerCase()),
);

/** Longest unix socket path the OS accepts (sun_path is 108 bytes on Linux, 104 on macOS). */
const MAX_UNIX_SOCKET_PATH = 100;

export type SocksEndpointConfig = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp' };

export interface TorrcOptions {
  readonly dataDirectory: string;
  readonly socks: SocksEndpointConfig;
  readonly controlPortFile: string;
  /** pid tor watches; it exits when that process is gone. */
  readonly ownerPid: number;
  /** Lines from settings (bridges, custom options) and from ALLIUM_TORRC_EXTRA, already validated. */
  readonly extraLines?: readonly string[];
}

/** Whether a SOCKS unix socket can be used for this path on this platform. */
export function canUseUnixSocket(path: string, platform: NodeJS.Platform = process.platform): boolean {
  return platform !== 'win32' && Buffer.byteLength(path) <= MAX_UNIX_SOCKET_PATH;
}

/**
 * Quotes a value for torrc when it contains characters tor would split on. Unquoted values are
 * literal (Windows backslashes included) except a trailing backslash, which continues the line.
 */
export function quoteTorrcValue(value: string): string {
  if (/^[^\s"#]+$/.test(value) && !value.endsWith('\\')) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Checks extra torrc lines: one option per line, no control characters, no managed option.
 * Comments and blank lines are dropped. `origin` names where the lines came from, for errors.
 */
export function validateExtraTorrcLines(lines: readonly string[], origin: string): string[] {
  const kept: string[] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(line)) {
      throw new TorConfigError(`${origin}, line ${index + 1}: control characters are not allowed in tor options.`);
    }
    const option = line.split(/\s+/, 1)[0] ?? '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(option)) {
      throw new TorConfigError(`${origin}, line ${index + 1}: "${option}" is not a tor option name.`);
    }
    // tor also takes any prefix of an option name ("DataDir" is DataDirectory) as that option.
    const lower = option.toLowerCase();
    if ([...MANAGED_OPTIONS].some((managed) => managed.startsWith(lower))) {
      throw new TorConfigError(`${origin}, line ${index + 1}: ${option} is managed by Allium and cannot be set here.`);
    }
    // __SocksPort, __ControlPort, __HashedControlSessionPassword …: unsaved aliases for controllers, never for a torrc.
    if (option.startsWith('__')) {
      throw new TorConfigError(`${origin}, line ${index + 1}: ${option} is meant for controllers and cannot be set here.`);
    }
    kept.push(line);
  });
  return kept;
}

/** Reads the extra torrc file named by ALLIUM_TORRC_EXTRA, if set. */
export async function readTorrcExtraFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const file = env['ALLIUM_TORRC_EXTRA'];
  if (file === undefined || file === '') return [];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new TorConfigError(`ALLIUM_TORRC_EXTRA names ${file}, which cannot be read.`, { cause: error });
  }
  return validateExtraTorrcLines(text.split(/\r?\n/), `ALLIUM_TORRC_EXTRA (${file})`);
}

/** The complete torrc text for one profile's tor. */
export function buildTorrc(options: TorrcOptions): string {
  const socks =
    options.socks.kind === 'unix'
      ? `SocksPort unix:${quoteTorrcValue(options.socks.path)} OnionTrafficOnly ExtendedErrors`
      : 'SocksPort 127.0.0.1:auto OnionTrafficOnly ExtendedErrors';
  const lines = [
    '# Written by Allium for one profile; rewritten at every start.',
    `DataDirectory ${quoteTorrcValue(options.dataDirectory)}`,
    socks,
    'ControlPort 127.0.0.1:auto',
    `ControlPortWriteToFile ${quoteTorrcValue(options.controlPortFile)}`,
    'CookieAuthentication 1',
    `__OwningControllerProcess ${options.ownerPid}`,
    'ClientOnly 1',
    'AvoidDiskWrites 1',
    'Log notice stdout',
    ...(options.extraLines ?? []),
  ];
  return `${lines.join('\n')}\n`;
}
