// Finds the tor executable: bundled with the app, then ALLIUM_TOR_BINARY, then PATH.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TorBinaryNotFoundError } from './errors.js';

export interface TorBinaryLookup {
  /** Folder holding `<platform>-<arch>/tor` (in the app: `resources/tor`). */
  readonly resourcesDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
}

export interface TorBinary {
  readonly path: string;
  readonly source: 'bundled' | 'env' | 'path' | 'system';
  /** Folder with the bundled shared libraries, to put on the library path when bundled. */
  readonly libraryDir?: string;
}

const SYSTEM_LOCATIONS = ['/usr/sbin/tor', '/usr/local/sbin/tor', '/opt/homebrew/bin/tor'];

function isExecutableFile(path: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns the tor to run, or throws TorBinaryNotFoundError naming every place searched. */
export function findTorBinary(lookup: TorBinaryLookup = {}): TorBinary {
  const env = lookup.env ?? process.env;
  const platform = lookup.platform ?? process.platform;
  const arch = lookup.arch ?? process.arch;
  const exe = platform === 'win32' ? 'tor.exe' : 'tor';
  const searched: string[] = [];

  if (lookup.resourcesDir !== undefined) {
    const dir = join(lookup.resourcesDir, `${platform}-${arch}`);
    const bundled = join(dir, exe);
    searched.push(`bundled: ${bundled}`);
    if (isExecutableFile(bundled, platform)) return { path: bundled, source: 'bundled', libraryDir: dir };
  } else {
    searched.push('bundled: no resources folder given');
  }

  const fromEnv = env['ALLIUM_TOR_BINARY'];
  if (fromEnv !== undefined && fromEnv !== '') {
    searched.push(`ALLIUM_TOR_BINARY: ${fromEnv}`);
    if (isExecutableFile(fromEnv, platform)) return { path: fromEnv, source: 'env' };
  } else {
    searched.push('ALLIUM_TOR_BINARY: not set');
  }

  const pathDirs = (env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  for (const dir of pathDirs) {
    const candidate = join(dir, exe);
    if (isExecutableFile(candidate, platform)) return { path: candidate, source: 'path' };
  }
  searched.push(`PATH: ${exe} in none of ${pathDirs.length} folders`);

  // Debian installs tor in /usr/sbin, which is not on an ordinary user's PATH.
  if (platform !== 'win32') {
    for (const candidate of SYSTEM_LOCATIONS) {
      if (isExecutableFile(candidate, platform)) return { path: candidate, source: 'system' };
    }
    searched.push(`system: ${SYSTEM_LOCATIONS.join(', ')}`);
  }
  throw new TorBinaryNotFoundError(searched);
}
