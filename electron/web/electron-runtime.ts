// Whether an Electron runtime is installed: the `electron` package names a binary path, which may be missing when its download was skipped.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export type ElectronRuntime = { readonly found: true; readonly path: string } | { readonly found: false; readonly reason: string };

const loadElectronPath = (): unknown => createRequire(import.meta.url)('electron');

/** Under plain Node, `require('electron')` answers the binary's path, or throws when the package has none. */
export function findElectronRuntime(load: () => unknown = loadElectronPath): ElectronRuntime {
  let path: unknown;
  try {
    path = load();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { found: false, reason: `the electron package has no runtime binary (${detail})` };
  }
  if (typeof path !== 'string') return { found: false, reason: 'the electron package did not name a runtime binary' };
  if (!existsSync(path)) return { found: false, reason: `the Electron runtime binary ${path} does not exist (its download was skipped or failed)` };
  return { found: true, path };
}
