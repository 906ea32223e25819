// The window and session policy with the `electron` module replaced by a fake (the one place a fake is allowed): what main asks Electron for and how its handlers decide.
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  class FakeWebContents {
    readonly listeners = new Map<string, Listener[]>();
    windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
      this.windowOpenHandler = handler;
    }
    on(event: string, listener: Listener): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    emit(event: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(event) ?? []) listener(...args);
    }
  }
  class FakeBrowserWindow {
    static created: FakeBrowserWindow[] = [];
    readonly webContents = new FakeWebContents();
    loadedUrl: string | undefined;
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      FakeBrowserWindow.created.push(this);
    }
    once(): this {
      return this;
    }
    loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
      return Promise.resolve();
    }
  }
  return { FakeBrowserWindow, openExternal: vi.fn<(url: string) => Promise<void>>(() => Promise.resolve()) };
});

vi.mock('electron', () => ({ BrowserWindow: fake.FakeBrowserWindow, shell: { openExternal: fake.openExternal } }));

const { createMainWindow } = await import('./main-window.js');
const { hardenSession, externalLinkTarget } = await import('./security-policy.js');

function navigationEvent(url: string) {
  return { url, preventDefault: vi.fn() };
}

describe('main window', () => {
  beforeEach(() => {
    fake.FakeBrowserWindow.created = [];
    fake.openExternal.mockClear();
  });

  function open(devServerUrl?: string) {
    createMainWindow({ preloadPath: '/app/preload.cjs', devServerUrl });
    const window = fake.FakeBrowserWindow.created[0];
    if (window === undefined) throw new Error('no window was created');
    return window;
  }

  it('asks for isolated, sandboxed, node-free web preferences with the preload', () => {
    const window = open();
    expect(window.options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('loads the app from app:// in production and from the dev server only when given one', () => {
    expect(open().loadedUrl).toBe('app://allium/index.html');
    fake.FakeBrowserWindow.created = [];
    expect(open('http://localhost:5173').loadedUrl).toBe('http://localhost:5173');
  });

  it('denies navigation away from the app, and redirects too', () => {
    const contents = open().webContents;
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'app://other/index.html', 'http://localhost:5173/', 'not a url']) {
      const event = navigationEvent(url);
      contents.emit('will-navigate', event);
      expect(event.preventDefault, url).toHaveBeenCalled();
      const redirect = navigationEvent(url);
      contents.emit('will-redirect', redirect);
      expect(redirect.preventDefault, url).toHaveBeenCalled();
    }
    const inside = navigationEvent('app://allium/index.html#/chat');
    contents.emit('will-navigate', inside);
    expect(inside.preventDefault).not.toHaveBeenCalled();
  });

  it('allows the dev server origin only in development', () => {
    const contents = open('http://localhost:5173').webContents;
    const event = navigationEvent('http://localhost:5173/index.html');
    contents.emit('will-navigate', event);
    expect(event.preventDefault).not.toHaveBeenCalled();
  });

  it('denies webviews', () => {
    const event = { preventDefault: vi.fn() };
    open().webContents.emit('will-attach-webview', event);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('denies every new window, opening only https links in the OS browser', () => {
    const handler = open().webContents.windowOpenHandler;
    if (handler === undefined) throw new Error('no window-open handler');
    for (const url of ['https://torproject.org/download', 'http://example.com/', 'javascript:alert(1)', 'file:///etc/passwd', 'https://user:pw@example.com/', 'app://allium/x', 'smb://host/share']) {
      expect(handler({ url })).toEqual({ action: 'deny' });
    }
    expect(fake.openExternal.mock.calls).toEqual([['https://torproject.org/download']]);
  });
});

describe('external links', () => {
  it('accepts https with a host and nothing else', () => {
    expect(externalLinkTarget('https://torproject.org')).toBe('https://torproject.org/');
    expect(externalLinkTarget('HTTPS://Example.COM/a?b#c')).toBe('https://example.com/a?b#c');
    for (const url of ['http://example.com', 'https://', 'https://a:b@example.com', 'mailto:a@example.com', 'data:text/html,x', '//example.com', '']) {
      expect(externalLinkTarget(url), url).toBeUndefined();
    }
  });
});

describe('session', () => {
  function hardened(devServerUrl?: string) {
    const handlers: {
      request?: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl: string }) => void;
      check?: (contents: unknown, permission: string, origin: string) => boolean;
      device?: () => boolean;
      headers?: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders: Record<string, string[]> }) => void) => void;
    } = {};
    const session = {
      setPermissionRequestHandler: (handler: typeof handlers.request) => (handlers.request = handler),
      setPermissionCheckHandler: (handler: typeof handlers.check) => (handlers.check = handler),
      setDevicePermissionHandler: (handler: typeof handlers.device) => (handlers.device = handler),
      webRequest: { onHeadersReceived: (handler: typeof handlers.headers) => (handlers.headers = handler) },
    };
    hardenSession(session as never, { contentSecurityPolicy: "default-src 'none'", devServerUrl });
    return handlers;
  }

  function requested(handlers: ReturnType<typeof hardened>, permission: string, requestingUrl = 'app://allium/index.html'): boolean {
    let granted: boolean | undefined;
    handlers.request?.({}, permission, (answer) => (granted = answer), { requestingUrl });
    if (granted === undefined) throw new Error('the permission handler did not answer');
    return granted;
  }

  it('grants notifications to the app and denies every other permission request', () => {
    const handlers = hardened();
    expect(requested(handlers, 'notifications')).toBe(true);
    for (const permission of ['media', 'geolocation', 'clipboard-read', 'midi', 'openExternal', 'display-capture', 'fullscreen', 'pointerLock']) {
      expect(requested(handlers, permission), permission).toBe(false);
    }
    expect(requested(handlers, 'notifications', 'https://evil.example/')).toBe(false);
    expect(handlers.check?.({}, 'notifications', 'app://allium')).toBe(true);
    expect(handlers.check?.({}, 'media', 'app://allium')).toBe(false);
    expect(handlers.device?.()).toBe(false);
  });

  it('sets the CSP header on every response', () => {
    const handlers = hardened();
    let headers: Record<string, string[]> | undefined;
    handlers.headers?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, (response) => (headers = response.responseHeaders));
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'none'"] });
  });
});
