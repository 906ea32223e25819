// Electron main: one instance, a hardened session and window, the core in a utility process, tray and notifications, a quit that stops tor.
import { app, ipcMain, session, type BrowserWindow } from 'electron';
import { channelFromEmitterPort, createApiClient } from '../shared/rpc/index.js';
import { resolveDataDir } from '../web/app-data-dir.js';
import { contentSecurityPolicy } from '../web/content-security-policy.js';
import { isAppUrl } from './app-origin.js';
import { registerAppScheme, serveAppProtocol } from './app-protocol.js';
import { CoreProcess } from './core-process.js';
import { watchCore } from './core-watcher.js';
import { CONNECT_MESSAGE, CORE_PORT_MESSAGE } from './ipc-channels.js';
import { createMainWindow } from './main-window.js';
import { mainPaths } from './main-paths.js';
import { hardenSession } from './security-policy.js';
import { createStatusTray, type StatusTray } from './status-tray.js';

/** Defined by Forge's Vite plugin: the renderer's dev server during `npm run dev`, undefined in builds. */
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;

/** A crashing core is restarted, but not in a tight loop. */
const RESTART_DELAY_MS = 2_000;

const devServerUrl = !app.isPackaged && typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' ? MAIN_WINDOW_VITE_DEV_SERVER_URL : undefined;
const paths = mainPaths();

let window: BrowserWindow | undefined;
let tray: StatusTray | undefined;
let core: CoreProcess | undefined;
let stopWatching: (() => void) | undefined;
let quitting = false;
let coreStopped = false;

function showWindow(): void {
  // 'activate' and 'second-instance' can arrive while Electron is still starting; start() opens the window then.
  if (!app.isReady()) return;
  if (window === undefined || window.isDestroyed()) {
    window = createMainWindow({ preloadPath: paths.preload, iconPath: paths.windowIcon, devServerUrl });
    // Closing the window keeps Allium reachable in the tray; Quit stops it.
    window.on('close', (event) => {
      if (quitting) return;
      event.preventDefault();
      window?.hide();
    });
    return;
  }
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function startCore(): void {
  core = new CoreProcess({
    entryPath: paths.coreEntry,
    dataDir: resolveDataDir(),
    torResourcesDir: paths.torResources,
    onUnexpectedExit: (code) => {
      console.error(`[main] the core exited unexpectedly (code ${code}); restarting it`);
      stopWatching?.();
      setTimeout(() => {
        if (quitting) return;
        startCore();
        // The page's port closed with the old core: reloading it makes it ask for a new one.
        window?.webContents.reload();
      }, RESTART_DELAY_MS);
    },
  });
  if (tray !== undefined) {
    const connection = createApiClient(channelFromEmitterPort(core.connect()));
    stopWatching = watchCore(connection, { tray, onNotificationClick: showWindow });
  }
}

async function start(): Promise<void> {
  const csp = contentSecurityPolicy(
    devServerUrl === undefined ? {} : { connectSources: [devServerUrl.replace(/^http/, 'ws')], allowInlineStyles: true },
  );
  hardenSession(session.defaultSession, { contentSecurityPolicy: csp, devServerUrl });
  if (devServerUrl === undefined) await serveAppProtocol(paths.renderer, csp);

  ipcMain.on(CONNECT_MESSAGE, (event) => {
    // Only our own page gets a port, never a frame that somehow loaded something else. While quitting the core is
    // stopping and refuses new connections (connect() throws); the page asks again as soon as its port closes.
    if (core === undefined || quitting || !isAppUrl(event.senderFrame?.url ?? '', devServerUrl)) return;
    event.sender.postMessage(CORE_PORT_MESSAGE, null, [core.connect()]);
  });

  tray = createStatusTray({ iconPath: paths.trayIcon, onShow: showWindow, onQuit: () => app.quit() });
  startCore();
  showWindow();
}

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  // Another Allium owns the profiles and their tor: hand over to it (it shows its window) and leave.
  app.quit();
} else {
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  // The tray keeps Allium alive with no window open.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    quitting = true;
    if (coreStopped || core === undefined) return;
    // Hold the quit until the core has stopped tor and closed its store.
    event.preventDefault();
    stopWatching?.();
    core
      .stop()
      .catch((error: unknown) => console.error('[main] stopping the core failed', error))
      .finally(() => {
        coreStopped = true;
        tray?.destroy();
        app.quit();
      });
  });
  app.whenReady().then(start, (error: unknown) => {
    console.error('[main] Allium could not start', error);
    app.exit(1);
  });
}
