// A file reaches files.upload in order, in 1 MiB chunks (the last may be shorter), with progress, and stops when aborted.
import { describe, expect, it, vi } from 'vitest';
import { ApiError, LIMITS, type FileUploadDto } from '../../../electron/shared/api/index.js';
import { bytesToBase64 } from './base64.js';
import { UPLOAD_CHUNK_BYTES, UploadAbortedError, uploadFile, type UploadChunk } from './file-upload.js';

const MIB = 1024 * 1024;

/** Bytes a base64 string holds, without decoding it. */
function decodedLength(data: string): number {
  return (data.length / 4) * 3 - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
}

/** A files.upload stand-in that keeps what it got, as the core does. */
function recorder() {
  const calls: UploadChunk[] = [];
  let held = 0;
  const call = vi.fn((chunk: UploadChunk): Promise<FileUploadDto> => {
    calls.push(chunk);
    held += decodedLength(chunk.data);
    return Promise.resolve({ upload: 'ab'.repeat(16), received: held });
  });
  return { calls, call };
}

describe('uploadFile', () => {
  it('sends 1 MiB chunks in order, each but the last a multiple of 64 KiB, and the bytes arrive whole', async () => {
    const bytes = Uint8Array.from({ length: 2.5 * MIB + 3 }, (_, i) => (i * 31) % 251);
    const { calls, call } = recorder();
    const progress: number[] = [];
    const upload = await uploadFile(new Blob([bytes]), call, { onprogress: (received) => progress.push(received) });
    expect(upload).toBe('ab'.repeat(16));
    expect(UPLOAD_CHUNK_BYTES % (64 * 1024)).toBe(0);
    expect(calls.map((c) => c.offset)).toEqual([0, MIB, 2 * MIB]);
    expect(calls.map((c) => c.size)).toEqual([bytes.length, bytes.length, bytes.length]);
    // Only the first call starts an upload; the rest continue it.
    expect(calls.map((c) => c.upload)).toEqual([undefined, 'ab'.repeat(16), 'ab'.repeat(16)]);
    const lengths = calls.map((c) => decodedLength(c.data));
    expect(lengths).toEqual([MIB, MIB, 0.5 * MIB + 3]);
    for (const chunk of calls) expect(chunk.data.length).toBeLessThanOrEqual(Math.ceil(LIMITS.fileChunkBytes / 3) * 4);
    expect(progress).toEqual([MIB, 2 * MIB, bytes.length]);
    // Compared as strings: element-wise deep equality over megabytes is slow.
    calls.forEach((c, index) => expect(c.data === bytesToBase64(bytes.subarray(c.offset, c.offset + (lengths[index] ?? 0)))).toBe(true));
  });

  it('sends an empty file as one empty chunk', async () => {
    const { calls, call } = recorder();
    await uploadFile(new Blob([]), call);
    expect(calls).toEqual([{ size: 0, offset: 0, data: '' }]);
  });

  it('stops before the next chunk when aborted', async () => {
    const abort = new AbortController();
    const { calls, call } = recorder();
    const upload = uploadFile(new Blob([new Uint8Array(3 * MIB)]), call, { signal: abort.signal, onprogress: () => abort.abort() });
    await expect(upload).rejects.toBeInstanceOf(UploadAbortedError);
    expect(calls).toHaveLength(1);
  });

  it('refuses a file above the limit before sending anything', async () => {
    const { call } = recorder();
    const huge = new Blob([]);
    Object.defineProperty(huge, 'size', { value: LIMITS.fileBytes + 1 });
    const failure = await uploadFile(huge, call).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe('file-too-large');
    expect(call).not.toHaveBeenCalled();
  });

  it('fails when the core holds other bytes than were sent', async () => {
    const call = vi.fn(() => Promise.resolve({ upload: 'cd'.repeat(16), received: 5 }));
    await expect(uploadFile(new Blob([new Uint8Array(10)]), call)).rejects.toThrow('The core holds 5 bytes of the upload, expected 10.');
  });
});
