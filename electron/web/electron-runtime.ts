// The Electron runtime `npm start` needs: found in the electron package, fetched into it when missing, or the reason there is none.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fetchElectronRuntime, readElectronPackage, type FetchRuntimeOptions } from './electron-runtime-fetch.js';

export type ElectronRuntime = { readonly found: true; readonly path: string } | { readonly found: false; readonly reason: string };

const requireHere = createRequire(import.meta.url);

/** The installed electron package's folder: the runtime lives in its dist/ and path.txt names the executable. */
export function electronPackageDir(): string {
  return dirname(requireHere.resolve('electron/package.json'));
}

/**
 * Reads what electron's install script leaves behind (path.txt, dist/version, the executable) instead of calling
 * `require('electron')`: since Electron 42 that starts a download of its own, without a timeout, when the runtime is missing.
 */
export function findElectronRuntime(packageDir: string = electronPackageDir()): ElectronRuntime {
  let executable: string;
  try {
    executable = readFileSync(join(packageDir, 'path.txt'), 'utf8');
  } catch {
    return { found: false, reason: 'the Electron runtime has not been downloaded yet' };
  }
  const path = join(packageDir, 'dist', executable);
  if (!existsSync(path)) return { found: false, reason: `the Electron runtime binary ${path} does not exist` };
  const wanted = readElectronPackage(packageDir).version;
  let installed: string;
  try {
    installed = readFileSync(join(packageDir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '');
  } catch {
    installed = 'an unknown version';
  }
  if (installed !== wanted) return { found: false, reason: `the Electron runtime in ${packageDir}/dist is ${installed}, not ${wanted}` };
  return { found: true, path };
}

/** The lowest Node.js a semver range of the form `>= x.y.z` (Forge's `engines`) accepts, or undefined for any other form. */
export function minimumNodeVersion(range: string): readonly [number, number, number] | undefined {
  const match = /^\s*>=\s*v?(\d+)\.(\d+)\.(\d+)\s*$/.exec(range);
  return match === null ? undefined : [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Why this Node cannot run Electron Forge (which opens the window), or undefined when it can. */
export function nodeTooOldReason(nodeVersion: string, forgeRange: string): string | undefined {
  const minimum = minimumNodeVersion(forgeRange);
  // A range we cannot read is left to Forge itself, which checks it and says so.
  if (minimum === undefined) return undefined;
  const current = nodeVersion.replace(/^v/, '').split('.').map(Number);
  for (let index = 0; index < 3; index += 1) {
    const have = current[index] ?? 0;
    if (have > minimum[index]!) return undefined;
    if (have < minimum[index]!) return `Electron Forge needs Node.js ${minimum.join('.')} or newer and this is Node.js ${nodeVersion.replace(/^v/, '')}`;
  }
  return undefined;
}

function forgeNodeRange(): string {
  const { engines } = requireHere('@electron-forge/cli/package.json') as { engines?: { node?: string } };
  return engines?.node ?? '';
}

export interface PrepareRuntimeOptions extends FetchRuntimeOptions {
  readonly nodeVersion?: string;
  readonly forgeNodeRange?: string;
}

/** The runtime, downloaded first (with progress) when it is missing; not found only where this machine cannot run or fetch it. */
export async function prepareElectronRuntime(options: PrepareRuntimeOptions = {}): Promise<ElectronRuntime> {
  const tooOld = nodeTooOldReason(options.nodeVersion ?? process.version, options.forgeNodeRange ?? forgeNodeRange());
  if (tooOld !== undefined) return { found: false, reason: tooOld };
  const packageDir = options.packageDir ?? electronPackageDir();
  const runtime = findElectronRuntime(packageDir);
  if (runtime.found) return runtime;
  try {
    await fetchElectronRuntime({ ...options, packageDir });
  } catch (error) {
    return { found: false, reason: error instanceof Error ? error.message : String(error) };
  }
  return findElectronRuntime(packageDir);
}
