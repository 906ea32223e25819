// Backup files survive the trip to base64 and back byte for byte, including sizes above one chunk.
import { describe, expect, it } from 'vitest';
import { fileToBase64 } from './file-transfer.js';

describe('fileToBase64', () => {
  it('encodes every byte value and large files', async () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, index) => (index * 7) % 256);
    const base64 = await fileToBase64(new Blob([bytes]));
    expect(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))).toEqual(bytes);
  });
});
