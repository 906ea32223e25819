// Folders of a source checkout that web mode and the launcher run from (the packaged app finds its own through Electron).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Vite writes the renderer here (renderer/vite.config.ts). */
export const RENDERER_DIST_DIR = join(REPO_ROOT, 'dist', 'renderer');
/** scripts/fetch-tor.ts fills `<platform>-<arch>/` in here; tor discovery looks here first. */
export const TOR_RESOURCES_DIR = join(REPO_ROOT, 'resources', 'tor');
