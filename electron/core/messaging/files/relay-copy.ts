// A sealed file left at a relay for whoever it was offered to (an offline contact, every member of a group), and fetched back from there.
import { createReadStream } from 'node:fs';
import { CorruptProgressError, PartialFile, SEALED_RECORD_BYTES, sealedFileSize, type FileRecordContext } from '../../files/index.js';
import type { QueueKey, RelayClient } from '../../relay-client/index.js';

/** Uploads the sealed file once (resumable inside one call) and returns what the offer carries. */
export async function uploadCopy(
  client: RelayClient,
  key: QueueKey,
  path: string,
  size: number,
  onProgress: (bytes: number, total: number) => void,
): Promise<string> {
  const sealedSize = sealedFileSize(size);
  const blob = await client.createBlob(key, sealedSize);
  await client.uploadBlob(key, blob.blobId, (from) => createReadStream(path, { start: from }), { offset: 0, onProgress });
  return blob.capability;
}

export interface CopyDownload extends FileRecordContext {
  readonly dir: string;
  readonly sha256: string;
  readonly capability: string;
  readonly onProgress: (bytes: number, total: number) => void;
  /** Stops the download, throwing the signal's reason; what was written stays for the next attempt. */
  readonly signal: AbortSignal;
}

/**
 * Fetches the sealed file from the relay into a partial file, from its first missing record on, so a download cut
 * anywhere (or one that the direct stream began) goes on where it stopped; then checks the hash like a direct one.
 */
export async function downloadCopy(client: RelayClient, download: CopyDownload): Promise<string> {
  const partial = await openPartial(download);
  try {
    const first = partial.firstMissing;
    if (first !== undefined) {
      let index = first;
      let pending = Buffer.alloc(0);
      const total = sealedFileSize(download.size);
      const onProgress = (bytes: number): void => download.onProgress(Math.min(download.size, Math.round((bytes / total) * download.size)), download.size);
      for await (const chunk of client.downloadBlob(download.capability, { from: first * SEALED_RECORD_BYTES, size: total, onProgress, signal: download.signal })) {
        pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
        while (pending.length >= SEALED_RECORD_BYTES || (index === partial.recordCount - 1 && pending.length > 0 && pending.length >= total - index * SEALED_RECORD_BYTES)) {
          const length = Math.min(SEALED_RECORD_BYTES, total - index * SEALED_RECORD_BYTES);
          await partial.write(index, pending.subarray(0, length));
          pending = pending.subarray(length);
          index += 1;
          if (index >= partial.recordCount) break;
        }
      }
    }
    return await partial.complete();
  } finally {
    await partial.close();
  }
}

/** The partial file of a download, started over when its progress record is damaged (as the direct stream does). */
async function openPartial(download: CopyDownload): Promise<PartialFile> {
  const options = { dir: download.dir, key: download.key, fileId: download.fileId, size: download.size, sha256: download.sha256 };
  try {
    return await PartialFile.open(options);
  } catch (error) {
    if (!(error instanceof CorruptProgressError)) throw error;
    await PartialFile.discard(download.dir, download.fileId);
    return PartialFile.open(options);
  }
}
