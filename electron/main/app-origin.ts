// Where the app's pages come from: the app:// scheme in production, Vite's dev server only in development.

export const APP_SCHEME = 'app';
export const APP_HOST = 'allium';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True when `url` belongs to the app: app://allium, or the dev server's origin when one is given (development). */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
  if (devServerUrl === undefined) return false;
  return parsed.origin === new URL(devServerUrl).origin;
}
