// Hands a picked file to the core for files.upload: in order, 1 MiB base64 chunks (every one but the last a multiple of 64 KiB), with progress and abort.
import { ApiError, LIMITS, type FileUploadDto } from '../../../electron/shared/api/index.js';
import { fileToBase64 } from './file-transfer.js';

/** 1 MiB: the most one files.upload call takes, and a multiple of the core's 64 KiB records. */
export const UPLOAD_CHUNK_BYTES = LIMITS.fileChunkBytes;

export interface UploadChunk {
  readonly upload?: string;
  readonly size: number;
  readonly offset: number;
  readonly data: string;
}

/** One files.upload call. */
export type UploadChunkCall = (chunk: UploadChunk) => Promise<FileUploadDto>;

export interface UploadOptions {
  /** After each chunk: the bytes the core holds so far, of the whole. */
  readonly onprogress?: (received: number, total: number) => void;
  /** Stops before the next chunk; the upload then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Raised when an upload was stopped on purpose (not shown as an error). */
export class UploadAbortedError extends Error {
  override readonly name = 'UploadAbortedError';
  constructor() {
    super('The upload was stopped');
  }
}

/** Sends the whole file, chunk by chunk; resolves with the upload id for files.send. */
export async function uploadFile(file: Blob, call: UploadChunkCall, options: UploadOptions = {}): Promise<string> {
  // Refused here so a large file is not read and half sent before the core says the same.
  if (file.size > LIMITS.fileBytes) throw new ApiError('file-too-large', 'Files up to 256 MiB can be sent.');
  // A function, not a narrowed property: the signal may fire while a chunk is read.
  const stopped = (): boolean => options.signal?.aborted === true;
  let upload: string | undefined;
  let offset = 0;
  do {
    if (stopped()) throw new UploadAbortedError();
    const end = Math.min(file.size, offset + UPLOAD_CHUNK_BYTES);
    const data = await fileToBase64(file.slice(offset, end));
    if (stopped()) throw new UploadAbortedError();
    const answer = await call({ ...(upload === undefined ? {} : { upload }), size: file.size, offset, data });
    if (answer.received !== end) throw new Error(`The core holds ${String(answer.received)} bytes of the upload, expected ${String(end)}.`);
    upload = answer.upload;
    offset = end;
    options.onprogress?.(offset, file.size);
  } while (offset < file.size);
  return upload;
}
