// Main's entry with the `electron` module and its window, tray and protocol helpers faked: how it hands ports to the page around a quit.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  const appListeners = new Map<string, Listener>();
  const ipcListeners = new Map<string, Listener>();
  return {
    appListeners,
    ipcListeners,
    app: {
      isPackaged: false,
      getAppPath: () => '/app',
      requestSingleInstanceLock: () => true,
      isReady: () => true,
      whenReady: () => Promise.resolve(),
      on: (event: string, listener: Listener) => appListeners.set(event, listener),
      quit: vi.fn(),
      exit: vi.fn(),
    },
    ipcMain: { on: (channel: string, listener: Listener) => ipcListeners.set(channel, listener) },
  };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class FakePort extends Emitter {
    postMessage(): void {}
    start(): void {}
    close(): void {
      this.emit('close');
    }
  }
  class FakeChild extends Emitter {
    postMessage(): void {}
    kill(): boolean {
      return true;
    }
  }
  return {
    app: fake.app,
    ipcMain: fake.ipcMain,
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
        webRequest: { onHeadersReceived: () => undefined },
      },
    },
    utilityProcess: { fork: () => new FakeChild() },
    MessageChannelMain: class {
      readonly port1 = new FakePort();
      readonly port2 = new FakePort();
    },
  };
});
vi.mock('./app-protocol.js', () => ({ registerAppScheme: () => undefined, serveAppProtocol: () => Promise.resolve() }));
vi.mock('./main-window.js', () => ({
  createMainWindow: () => Object.assign(new EventEmitter(), { isDestroyed: () => false, webContents: { reload: () => undefined } }),
}));
vi.mock('./status-tray.js', () => ({ createStatusTray: () => ({ update: () => undefined, destroy: () => undefined }) }));
vi.mock('./core-watcher.js', () => ({ watchCore: () => () => undefined }));

await import('./index.js');
await new Promise((resolve) => setTimeout(resolve, 0));

describe('main process', () => {
  it('gives the page no port while quitting, instead of throwing in the IPC handler', () => {
    const connect = fake.ipcListeners.get('allium:connect');
    const beforeQuit = fake.appListeners.get('before-quit');
    if (connect === undefined || beforeQuit === undefined) throw new Error('main did not start');
    const page = () => ({ senderFrame: { url: 'app://allium/index.html' }, sender: { postMessage: vi.fn() } });

    const before = page();
    connect(before);
    expect(before.sender.postMessage).toHaveBeenCalledOnce();

    // The core is stopping: its ports close, and the page asks for a new one at once.
    beforeQuit({ preventDefault: () => undefined });
    const during = page();
    expect(() => connect(during)).not.toThrow();
    expect(during.sender.postMessage).not.toHaveBeenCalled();
  });
});
