// Where a sender's records come from: a file sealed once at offer time, or the plaintext file checked against its offered hash before it is sealed again.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { InvalidFileArgumentError, MalformedRecordError, TruncatedFileError } from '../errors.js';
import {
  RECORD_PLAINTEXT_BYTES,
  RECORD_TAG_BYTES,
  SEALED_RECORD_BYTES,
  checkRecordContext,
  recordCount,
  recordPlaintextBytes,
  sealRecord,
  sealedFileSize,
  type FileRecordContext,
} from '../file-records.js';
import { FileSourceChangedError } from './errors.js';

/** An offered file: what both sides know from the offer, and where the sender reads it. */
export interface FileSource extends FileRecordContext {
  /** The SHA-256 of the whole plaintext from the offer, lowercase hex. */
  readonly sha256: string;
  /**
   * `sealed`: a file of sealed records (from sealFile, or a received `.sealed` file), served as it is.
   * `plaintext`: the user's file, hashed again before every serving so a changed file is never sealed under the same key.
   */
  readonly kind: 'sealed' | 'plaintext';
  readonly path: string;
}

/** Reads the sealed records of one serving; close() when done. */
export interface RecordReader {
  read(index: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Opens `source` for one serving. Throws FileSourceChangedError when a plaintext source no longer matches its offer. */
export async function openRecordReader(source: FileSource): Promise<RecordReader> {
  checkRecordContext(source);
  const handle = await open(source.path, 'r');
  try {
    if (source.kind === 'plaintext') await checkPlaintext(handle, source);
    else await checkSealedSize(handle, source);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const buffer = Buffer.alloc(source.kind === 'sealed' ? SEALED_RECORD_BYTES : RECORD_PLAINTEXT_BYTES);
  return {
    read: async (index) => {
      const plain = recordPlaintextBytes(source.size, index);
      const length = source.kind === 'sealed' ? plain + RECORD_TAG_BYTES : plain;
      const position = index * (source.kind === 'sealed' ? SEALED_RECORD_BYTES : RECORD_PLAINTEXT_BYTES);
      await readExactly(handle, buffer, length, position, source.path);
      // A copy for the sealed kind: the frame outlives this read, the buffer does not.
      return source.kind === 'sealed' ? Buffer.from(buffer.subarray(0, length)) : sealRecord(source, index, buffer.subarray(0, length));
    },
    close: () => handle.close(),
  };
}

/**
 * Seals a plaintext file once into `sealedPath` (records back to back, as a received file is stored) and returns
 * the plaintext's SHA-256 for the offer, in one pass and constant memory. Serving the sealed copy needs no hash
 * check, so a resumed transfer starts at once.
 */
export async function sealFile(plaintextPath: string, sealedPath: string, context: FileRecordContext): Promise<string> {
  checkRecordContext(context);
  const input = await open(plaintextPath, 'r');
  try {
    const { size } = await input.stat();
    if (size !== context.size) throw new InvalidFileArgumentError(`the file holds ${String(size)} bytes, the context says ${String(context.size)}`);
    const output = await open(sealedPath, 'wx', 0o600);
    try {
      const hash = createHash('sha256');
      const buffer = Buffer.alloc(RECORD_PLAINTEXT_BYTES);
      for (let index = 0; index < recordCount(size); index++) {
        const length = recordPlaintextBytes(size, index);
        await readExactly(input, buffer, length, index * RECORD_PLAINTEXT_BYTES, plaintextPath);
        hash.update(buffer.subarray(0, length));
        const sealed = sealRecord(context, index, buffer.subarray(0, length));
        await output.write(sealed, 0, sealed.length, index * SEALED_RECORD_BYTES);
      }
      await output.sync();
      return hash.digest('hex');
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

async function checkPlaintext(handle: FileHandle, source: FileSource): Promise<void> {
  const { size } = await handle.stat();
  if (size !== source.size) throw new FileSourceChangedError(source.path, `it holds ${String(size)} bytes, ${String(source.size)} were offered`);
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(RECORD_PLAINTEXT_BYTES);
  for (let position = 0; position < size; position += RECORD_PLAINTEXT_BYTES) {
    const length = Math.min(RECORD_PLAINTEXT_BYTES, size - position);
    await readExactly(handle, buffer, length, position, source.path);
    hash.update(buffer.subarray(0, length));
  }
  if (hash.digest('hex') !== source.sha256) throw new FileSourceChangedError(source.path, 'its SHA-256 differs from the one offered');
}

async function checkSealedSize(handle: FileHandle, source: FileSource): Promise<void> {
  const { size } = await handle.stat();
  const expected = sealedFileSize(source.size);
  if (size < expected) throw new TruncatedFileError(Math.floor(size / SEALED_RECORD_BYTES), recordCount(source.size));
  if (size > expected) throw new MalformedRecordError(recordCount(source.size) - 1, 'there is data after the last record');
}

async function readExactly(handle: FileHandle, buffer: Buffer, length: number, position: number, path: string): Promise<void> {
  for (let done = 0; done < length; ) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new FileSourceChangedError(path, `it ended before byte ${String(position + length)}`);
    done += bytesRead;
  }
}
