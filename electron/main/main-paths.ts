// Where main finds the other built pieces: next to it under dist/ in a checkout, inside the app (and its resources folder) when packaged.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';

/** dist/main, where Vite writes this file. */
const here = dirname(fileURLToPath(import.meta.url));

export interface MainPaths {
  readonly preload: string;
  readonly coreEntry: string;
  readonly renderer: string;
  readonly torResources: string;
  readonly trayIcon: string;
  readonly windowIcon: string;
}

export function mainPaths(): MainPaths {
  // Packaged builds ship tor and icons as extraResources beside app.asar; a checkout keeps them in resources/.
  const resources = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources');
  return {
    preload: join(here, '..', 'preload', 'preload.cjs'),
    coreEntry: join(here, '..', 'core', 'utility-entry.js'),
    renderer: join(here, '..', 'renderer'),
    torResources: join(resources, 'tor'),
    trayIcon: join(resources, 'icons', 'tray.png'),
    windowIcon: join(resources, 'icons', 'icon.png'),
  };
}
