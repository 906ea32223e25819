// A complete file is read back from files.read a chunk at a time, and files above the limit are not read at all.
import { describe, expect, it, vi } from 'vitest';
import { bytesToBase64 } from './base64.js';
import { FileTooLargeToReadError, readFileBlob } from './file-read.js';

const MIB = 1024 * 1024;

describe('readFileBlob', () => {
  it('reads in chunks of at most 1 MiB and joins them in order', async () => {
    const bytes = Uint8Array.from({ length: 2 * MIB + 10 }, (_, i) => i % 253);
    const read = vi.fn((offset: number, length: number) => Promise.resolve({ data: bytesToBase64(bytes.subarray(offset, offset + length)), size: bytes.length }));
    const blob = await readFileBlob(read, bytes.length, 'image/png');
    expect(read.mock.calls).toEqual([
      [0, MIB],
      [MIB, MIB],
      [2 * MIB, 10],
    ]);
    expect(blob.type).toBe('image/png');
    // Compared as one string: element-wise deep equality over megabytes is slow.
    expect(bytesToBase64(new Uint8Array(await blob.arrayBuffer())) === bytesToBase64(bytes)).toBe(true);
  });

  it('refuses a file above the limit without reading', async () => {
    const read = vi.fn();
    await expect(readFileBlob(read, 33 * MIB, 'video/webm', 32 * MIB)).rejects.toBeInstanceOf(FileTooLargeToReadError);
    expect(read).not.toHaveBeenCalled();
  });

  it('fails instead of looping when the file ends early', async () => {
    const read = vi.fn(() => Promise.resolve({ data: '', size: 10 }));
    await expect(readFileBlob(read, 10, 'audio/wav')).rejects.toThrow('The file ended at byte 0 of 10.');
  });
});
