// Files handed over by the UI a chunk at a time, sealed into records as they arrive, hashed, and typed from their first bytes.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { ApiError, LIMITS } from '../../../shared/api/index.js';
import { RECORD_PLAINTEXT_BYTES, SNIFF_BYTES, filePaths, newFileKey, sealRecord, sniffType, type SniffedType } from '../../files/index.js';

/** A sealed upload, ready to offer. */
export interface SealedUpload {
  readonly id: string;
  readonly key: Uint8Array;
  readonly size: number;
  readonly sha256: string;
  readonly type: SniffedType;
  readonly path: string;
}

interface Upload {
  readonly id: string;
  readonly key: Buffer;
  readonly size: number;
  readonly hash: Hash;
  readonly handle: FileHandle;
  readonly path: string;
  received: number;
  index: number;
  head: Buffer;
  done?: SealedUpload;
}

/** Uploads of this session (an unfinished one does not survive a restart: the UI starts it again). */
export class Uploads {
  readonly #uploads = new Map<string, Upload>();

  constructor(private readonly dir: string) {}

  /** Takes the next chunk (in order); the last one completes the upload. */
  async put(upload: string | undefined, size: number, offset: number, data: Uint8Array): Promise<{ upload: string; received: number }> {
    const current = upload === undefined ? await this.#start(size) : this.#uploads.get(upload);
    if (current === undefined) throw new ApiError('file-not-found', 'This upload is no longer here; start it again.');
    if (current.size !== size) throw new ApiError('invalid-input', 'The file size changed during the upload.');
    if (offset !== current.received) throw new ApiError('invalid-input', `The upload continues at byte ${String(current.received)}, not ${String(offset)}.`);
    const end = offset + data.length;
    if (end > size) throw new ApiError('invalid-input', 'This chunk goes past the end of the file.');
    if (end < size && data.length % RECORD_PLAINTEXT_BYTES !== 0) throw new ApiError('invalid-input', 'Every chunk but the last must be a multiple of 64 KiB.');
    current.hash.update(data);
    if (current.head.length < SNIFF_BYTES) current.head = Buffer.concat([current.head, Buffer.from(data.subarray(0, SNIFF_BYTES - current.head.length))]);
    const context = { key: current.key, fileId: current.id, size };
    const sealed: Buffer[] = [];
    for (let start = 0; start < data.length || (size === 0 && current.index === 0); start += RECORD_PLAINTEXT_BYTES) {
      sealed.push(sealRecord(context, current.index, data.subarray(start, start + RECORD_PLAINTEXT_BYTES)));
      current.index += 1;
      if (size === 0) break;
    }
    await current.handle.write(Buffer.concat(sealed));
    current.received = end;
    if (end === size) await this.#finish(current);
    return { upload: current.id, received: current.received };
  }

  /** A completed upload, handed over once (files.send takes it). */
  take(upload: string): SealedUpload {
    const found = this.#uploads.get(upload);
    if (found?.done === undefined) throw new ApiError('file-not-found', 'This upload is not complete; send the whole file first.');
    this.#uploads.delete(upload);
    return found.done;
  }

  /** Drops unfinished uploads and their sealed bytes (the profile is locking). */
  async close(): Promise<void> {
    for (const upload of this.#uploads.values()) {
      if (upload.done !== undefined) continue;
      await upload.handle.close().catch(() => undefined);
      await rm(upload.path, { force: true });
    }
    this.#uploads.clear();
  }

  async #start(size: number): Promise<Upload> {
    if (size > LIMITS.fileBytes) throw new ApiError('file-too-large', 'Files up to 256 MiB can be sent.');
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const id = randomBytes(16).toString('hex');
    const path = filePaths(this.dir, id).sealed;
    const upload: Upload = { id, key: newFileKey(), size, hash: createHash('sha256'), handle: await open(path, 'wx', 0o600), path, received: 0, index: 0, head: Buffer.alloc(0) };
    this.#uploads.set(id, upload);
    return upload;
  }

  async #finish(upload: Upload): Promise<void> {
    await upload.handle.sync();
    await upload.handle.close();
    upload.done = { id: upload.id, key: upload.key, size: upload.size, sha256: upload.hash.digest('hex'), type: sniffType(upload.head), path: upload.path };
  }
}
