// Where Allium keeps its profiles when nobody says otherwise: the OS's per-user app data folder, shared by the desktop app and web mode.
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';

export const APP_FOLDER_NAME = 'Allium';

export interface DataDirLookup {
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly home?: string;
}

/** `ALLIUM_DATA_DIR` when set; else ~/.local/share/Allium (or $XDG_DATA_HOME), ~/Library/Application Support/Allium, %APPDATA%\Allium. */
export function resolveDataDir(lookup: DataDirLookup = {}): string {
  const env = lookup.env ?? process.env;
  const platform = lookup.platform ?? process.platform;
  const home = lookup.home ?? homedir();
  const override = env.ALLIUM_DATA_DIR;
  if (override !== undefined && override !== '') return override;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER_NAME);
  if (platform === 'win32') return win32.join(env.APPDATA ?? win32.join(home, 'AppData', 'Roaming'), APP_FOLDER_NAME);
  // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  return join(xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.local', 'share'), APP_FOLDER_NAME);
}
