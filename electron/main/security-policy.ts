// The window's security policy (Electron's checklist): locked-down webPreferences, no navigation or new windows, permissions denied but notifications, https links only.
import type { Session, WebContents, WebPreferences } from 'electron';
import { isAppUrl } from './app-origin.js';

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // Middle-click opens links in new windows behind the window-open handler's back in older Chromium.
    disableBlinkFeatures: 'Auxclick',
  };
}

/** The one permission a messenger needs; camera, microphone, geolocation, clipboard reads and the rest are refused. */
export function permissionAllowed(permission: string, requestingUrl: string, devServerUrl?: string): boolean {
  return permission === 'notifications' && isAppUrl(requestingUrl, devServerUrl);
}

/**
 * The URL to hand the OS browser, or undefined when the link must not be opened: https only (no file:, javascript:,
 * smb:, custom app schemes), with a host and without credentials. The renderer asks the user before calling window.open.
 */
export function externalLinkTarget(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || parsed.hostname === '' || parsed.username !== '' || parsed.password !== '') return undefined;
  return parsed.href;
}

export interface ContentsPolicyOptions {
  readonly devServerUrl?: string;
  readonly openExternal: (url: string) => Promise<void>;
  readonly log?: (message: string) => void;
}

/** Denies every new window (an https link goes to the OS browser instead), navigation away from the app and webviews. */
export function hardenWebContents(contents: WebContents, options: ContentsPolicyOptions): void {
  const log = options.log ?? ((message) => console.warn(`[main] ${message}`));
  contents.setWindowOpenHandler(({ url }) => {
    const target = externalLinkTarget(url);
    if (target === undefined) log(`refused to open ${url}`);
    else options.openExternal(target).catch((error: unknown) => log(`could not open ${target}: ${String(error)}`));
    return { action: 'deny' };
  });
  const denyForeign = (event: { preventDefault(): void; url: string }): void => {
    if (isAppUrl(event.url, options.devServerUrl)) return;
    event.preventDefault();
    log(`refused navigation to ${event.url}`);
  };
  contents.on('will-navigate', denyForeign);
  contents.on('will-redirect', denyForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export interface SessionPolicyOptions {
  readonly contentSecurityPolicy: string;
  readonly devServerUrl?: string;
}

/** Permission requests and checks refused except notifications from the app; the CSP header on every response. */
export function hardenSession(session: Session, options: SessionPolicyOptions): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details.requestingUrl, options.devServerUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionAllowed(permission, requestingOrigin, options.devServerUrl));
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [options.contentSecurityPolicy] } });
  });
}
