// Serves the built renderer at app://allium/ from the app's own files, with the CSP, so production never loads from a server.
import { readFile } from 'node:fs/promises';
import { realpath } from 'node:fs/promises';
import { protocol } from 'electron';
import { lookupStaticFile } from '../web/static-files.js';
import { APP_HOST, APP_SCHEME } from './app-origin.js';

/** Must run before the app is ready: a standard, secure scheme gets an origin, fetch and a CSP like https would. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export async function serveAppProtocol(rendererDir: string, contentSecurityPolicy: string): Promise<void> {
  const root = await realpath(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
    const found = await lookupStaticFile(root, url.pathname);
    if (found.kind === 'bad-path') return new Response('Bad path', { status: 400 });
    if (found.kind === 'not-found') return new Response('Not found', { status: 404 });
    return new Response(await readFile(found.path), {
      headers: { 'Content-Type': found.contentType, 'Content-Security-Policy': contentSecurityPolicy, 'X-Content-Type-Options': 'nosniff' },
    });
  });
}
