// Downloads one https URL to a file, streaming, with a clear error for HTTP failures.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DownloadError } from './errors.js';

export async function downloadFile(url: string, destination: string): Promise<void> {
  if (!url.startsWith('https://')) throw new DownloadError(`refusing to download over anything but https: ${url}`);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error) {
    throw new DownloadError(`could not download ${url}`, { cause: error });
  }
  if (!response.ok || response.body === null) throw new DownloadError(`downloading ${url} failed: HTTP ${response.status}`);
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(destination));
}
