// Hands bytes to a core through the API's files.upload, 1 MiB at a time, and reads a received file back whole.
import { createHash } from 'node:crypto';
import type { ApiHandlers } from '../../electron/shared/api/index.js';

const CHUNK = 1024 * 1024;

/** Uploads `bytes`; the upload's id, ready for files.send. */
export async function uploadBytes(api: ApiHandlers, bytes: Uint8Array): Promise<string> {
  let upload: string | undefined;
  for (let offset = 0; offset < bytes.length || upload === undefined; offset += CHUNK) {
    const data = Buffer.from(bytes.subarray(offset, offset + CHUNK)).toString('base64');
    upload = (await api['files.upload']({ ...(upload === undefined ? {} : { upload }), size: bytes.length, offset, data })).upload;
    if (bytes.length === 0) break;
  }
  return upload;
}

/** SHA-256 (hex) of a complete file as the core reads it back through files.read. */
export async function readBackSha256(api: ApiHandlers, conversation: string, id: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  for (let offset = 0; offset < size; offset += CHUNK) {
    hash.update(Buffer.from((await api['files.read']({ conversation, id, offset, length: CHUNK })).data, 'base64'));
  }
  return hash.digest('hex');
}
