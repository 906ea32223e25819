// The app's one window: hardened by the security policy, loaded from app:// (or Vite's dev server in development), shown when ready.
import { BrowserWindow, shell } from 'electron';
import { APP_ENTRY_URL } from './app-origin.js';
import { hardenWebContents, secureWebPreferences } from './security-policy.js';

export interface MainWindowOptions {
  readonly preloadPath: string;
  readonly iconPath?: string;
  /** Set only in development (`npm run dev`); production always loads app://. */
  readonly devServerUrl?: string;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Allium',
    icon: options.iconPath,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  hardenWebContents(window.webContents, { devServerUrl: options.devServerUrl, openExternal: (url) => shell.openExternal(url) });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.devServerUrl ?? APP_ENTRY_URL);
  return window;
}
