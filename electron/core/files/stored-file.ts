// Reads a received file that stays sealed at rest: its plaintext as a stream of verified records, and its SHA-256.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { MalformedRecordError, TruncatedFileError } from './errors.js';
import { FileRecordOpener, type FileRecordContext, RECORD_TAG_BYTES, SEALED_RECORD_BYTES, recordCount, recordPlaintextBytes, sealedFileSize } from './file-records.js';

/** The plaintext of a sealed file, one verified record at a time; it throws before yielding anything past damage. */
export async function* readSealedFile(path: string, context: FileRecordContext): AsyncGenerator<Buffer> {
  const opener = new FileRecordOpener(context);
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const count = recordCount(context.size);
    if (size < sealedFileSize(context.size)) throw new TruncatedFileError(Math.floor(size / SEALED_RECORD_BYTES), count);
    if (size > sealedFileSize(context.size)) throw new MalformedRecordError(count - 1, 'there is data after the last record');
    const buffer = Buffer.alloc(SEALED_RECORD_BYTES);
    for (let index = 0; index < count; index++) {
      const length = recordPlaintextBytes(context.size, index) + RECORD_TAG_BYTES;
      const { bytesRead } = await handle.read(buffer, 0, length, index * SEALED_RECORD_BYTES);
      if (bytesRead !== length) throw new TruncatedFileError(index, count);
      yield opener.open(index, buffer.subarray(0, length));
    }
    opener.finish();
  } finally {
    await handle.close();
  }
}

/** The SHA-256 (lowercase hex) of a sealed file's plaintext, read in constant memory. */
export async function sealedFileSha256(path: string, context: FileRecordContext): Promise<string> {
  const hash = createHash('sha256');
  for await (const plaintext of readSealedFile(path, context)) hash.update(plaintext);
  return hash.digest('hex');
}
