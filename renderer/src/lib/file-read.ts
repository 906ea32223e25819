// Reads a complete file's verified bytes from the core (files.read, 1 MiB at a time) into a Blob, for previews and "Save as…".
import { LIMITS } from '../../../electron/shared/api/index.js';
import { base64ToBytes } from './base64.js';

/** One files.read call. */
export type ReadChunkCall = (offset: number, length: number) => Promise<{ readonly data: string; readonly size: number }>;

/** The largest file read into the page for an inline preview. */
export const PREVIEW_MAX_BYTES = 32 * 1024 * 1024;

/** Raised when a file is larger than the caller will hold in memory. */
export class FileTooLargeToReadError extends Error {
  override readonly name = 'FileTooLargeToReadError';
}

/** The whole file as a Blob of `type`; refuses files above `limit` bytes before reading any. */
export async function readFileBlob(read: ReadChunkCall, size: number, type: string, limit: number = LIMITS.fileBytes): Promise<Blob> {
  if (size > limit) throw new FileTooLargeToReadError(`The file is larger than ${String(limit)} bytes.`);
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  while (offset < size) {
    const answer = await read(offset, Math.min(LIMITS.fileChunkBytes, size - offset));
    const bytes = base64ToBytes(answer.data);
    // An empty answer before the end would loop for ever; the file changed or the core misread it.
    if (bytes.length === 0) throw new Error(`The file ended at byte ${String(offset)} of ${String(size)}.`);
    parts.push(bytes);
    offset += bytes.length;
  }
  return new Blob(parts, { type });
}
