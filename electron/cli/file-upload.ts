// Reads a file from disk into the core through the API's chunked files.upload, reporting progress, without holding it whole in memory.
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { LIMITS, type ApiClient } from '../shared/api/index.js';
import { CliError } from './cli-error.js';

export interface LocalFile {
  readonly path: string;
  readonly name: string;
  readonly size: number;
}

/** The file's size and name, or a CliError in words: missing, a folder, unreadable, too large. */
export async function checkLocalFile(path: string): Promise<LocalFile> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `There is no file "${path}".` : `"${path}" cannot be read (${code ?? 'unknown error'}).`);
  }
  if (!info.isFile()) throw new CliError(`"${path}" is not a file.`);
  if (info.size > LIMITS.fileBytes) throw new CliError(`"${path}" is ${formatBytes(info.size)}; files up to ${formatBytes(LIMITS.fileBytes)} can be sent.`);
  return { path, name: basename(path), size: info.size };
}

/** Uploads the file 1 MiB at a time (a multiple of the core's 64 KiB records); resolves with the upload id for files.send. */
export async function uploadFile(api: ApiClient, file: LocalFile, onProgress: (bytes: number) => void): Promise<string> {
  const handle = await open(file.path, 'r');
  try {
    const buffer = Buffer.alloc(LIMITS.fileChunkBytes);
    let upload: string | undefined;
    let offset = 0;
    do {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, file.size - offset), offset);
      if (bytesRead === 0 && offset < file.size) throw new CliError(`"${file.path}" got shorter while it was being read.`);
      const data = buffer.subarray(0, bytesRead).toString('base64');
      upload = (await api['files.upload']({ ...(upload === undefined ? {} : { upload }), size: file.size, offset, data })).upload;
      offset += bytesRead;
      onProgress(offset);
    } while (offset < file.size);
    return upload;
  } finally {
    await handle.close();
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${String(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
