// Serves the built renderer from one folder: known content types, no path escapes, no directory listings.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { readonly kind: 'file'; readonly path: string; readonly size: number; readonly contentType: string }
  | { readonly kind: 'not-found' }
  /** The path tried to leave the folder or could not be decoded. */
  | { readonly kind: 'bad-path' };

/** Maps a URL path to a file inside `root` (already resolved with realpath); `/` is index.html. */
export async function lookupStaticFile(root: string, urlPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'bad-path' };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { kind: 'bad-path' };
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.')) return { kind: 'bad-path' };
  const relative = segments.length === 0 ? ['index.html'] : segments;
  let real: string;
  try {
    // realpath, so a symlink inside the folder cannot lead outside it.
    real = await realpath(join(root, ...relative));
  } catch {
    return { kind: 'not-found' };
  }
  if (!real.startsWith(root + sep)) return { kind: 'bad-path' };
  const info = await stat(real);
  if (!info.isFile()) return { kind: 'not-found' };
  return { kind: 'file', path: real, size: info.size, contentType: contentTypeFor(real) };
}

export function openStaticFile(path: string): NodeJS.ReadableStream {
  return createReadStream(path);
}
