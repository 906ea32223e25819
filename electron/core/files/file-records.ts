// A file's content as AES-256-GCM records under its own random key, each bound to the file, its position and whether it ends the file.
//
// Nonces are the record index (a 4-byte zero prefix and the index as 8 bytes big-endian), not random. That is
// safe because every file has its own fresh random 32-byte key and each index of that file is sealed exactly
// once: a (key, nonce) pair never protects two different plaintexts, which is all GCM asks. It also makes the
// sealed file deterministic, so a record sent again after a resume is the same bytes as the first time.
// The rule this relies on: a file key seals one immutable content. A sender must never re-seal an index from
// a source that may have changed (seal once and keep the sealed records, or check the source against the
// offered hash before re-sealing); a changed file gets a new file id and a new key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { InvalidFileArgumentError, DuplicateRecordError, MalformedRecordError, RecordAuthenticationError, RecordOutOfOrderError, TruncatedFileError } from './errors.js';

export const FILE_KEY_BYTES = 32;
/** Large enough that the 16-byte tag costs 0.02 %, small enough that a resume loses little and memory stays flat. */
export const RECORD_PLAINTEXT_BYTES = 64 * 1024;
export const RECORD_TAG_BYTES = 16;
/** The sealed size of every record but the last. */
export const SEALED_RECORD_BYTES = RECORD_PLAINTEXT_BYTES + RECORD_TAG_BYTES;
const NONCE_BYTES = 12;
const MAX_FILE_ID_BYTES = 255;
const AD_LABEL = Buffer.from('allium:file-record:v1\0', 'utf8');

/** What both sides know of a file before any record moves: from the offer. */
export interface FileRecordContext {
  readonly key: Uint8Array;
  readonly fileId: string;
  /** The plaintext size in bytes. */
  readonly size: number;
}

export function newFileKey(): Buffer {
  return randomBytes(FILE_KEY_BYTES);
}

/** Records in a file of `size` bytes; an empty file is one empty last record, so even it proves it is complete. */
export function recordCount(size: number): number {
  return Math.max(1, Math.ceil(size / RECORD_PLAINTEXT_BYTES));
}

/** The size of the whole sealed file: the plaintext plus one tag per record. */
export function sealedFileSize(size: number): number {
  return size + recordCount(size) * RECORD_TAG_BYTES;
}

/** The plaintext length of record `index` of a file of `size` bytes. */
export function recordPlaintextBytes(size: number, index: number): number {
  return index < recordCount(size) - 1 ? RECORD_PLAINTEXT_BYTES : size - (recordCount(size) - 1) * RECORD_PLAINTEXT_BYTES;
}

/** Checks a context; cheap enough to run for every record, so a wrong key is never reported as a tampered record. */
export function checkRecordContext(context: FileRecordContext): void {
  if (context.key.length !== FILE_KEY_BYTES) throw new InvalidFileArgumentError(`a file key is ${String(FILE_KEY_BYTES)} bytes, not ${String(context.key.length)}`);
  const idBytes = Buffer.byteLength(context.fileId, 'utf8');
  if (idBytes === 0 || idBytes > MAX_FILE_ID_BYTES) throw new InvalidFileArgumentError(`a file id is 1 to ${String(MAX_FILE_ID_BYTES)} bytes`);
  if (!Number.isSafeInteger(context.size) || context.size < 0) throw new InvalidFileArgumentError(`a file size is a whole number of bytes (got ${String(context.size)})`);
}

function checkIndex(context: FileRecordContext, index: number): void {
  checkRecordContext(context);
  if (!Number.isSafeInteger(index) || index < 0 || index >= recordCount(context.size)) {
    throw new InvalidFileArgumentError(`record ${String(index)} is outside a file of ${String(recordCount(context.size))} records`);
  }
}

function nonceFor(index: number): Buffer {
  const nonce = Buffer.alloc(NONCE_BYTES);
  nonce.writeBigUInt64BE(BigInt(index), NONCE_BYTES - 8);
  return nonce;
}

/** The file id (length-prefixed), the index and the last-record flag: a record is valid only in its own slot of its own file. */
function associatedData(context: FileRecordContext, index: number): Buffer {
  const id = Buffer.from(context.fileId, 'utf8');
  const position = Buffer.alloc(9);
  position.writeBigUInt64BE(BigInt(index));
  position[8] = index === recordCount(context.size) - 1 ? 1 : 0;
  return Buffer.concat([AD_LABEL, Buffer.from([id.length]), id, position]);
}

/** Seals record `index`, whose plaintext must be exactly that record's share of the file. */
export function sealRecord(context: FileRecordContext, index: number, plaintext: Uint8Array): Buffer {
  checkIndex(context, index);
  const expected = recordPlaintextBytes(context.size, index);
  if (plaintext.length !== expected) throw new InvalidFileArgumentError(`record ${String(index)} holds ${String(expected)} bytes, not ${String(plaintext.length)}`);
  const cipher = createCipheriv('aes-256-gcm', context.key, nonceFor(index));
  cipher.setAAD(associatedData(context, index));
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Opens record `index` on its own (for a receiver checking records as they arrive, in any order). */
export function openRecord(context: FileRecordContext, index: number, sealed: Uint8Array): Buffer {
  checkIndex(context, index);
  const expected = recordPlaintextBytes(context.size, index) + RECORD_TAG_BYTES;
  if (sealed.length !== expected) throw new MalformedRecordError(index, `${String(sealed.length)} bytes where ${String(expected)} belong`);
  const body = sealed.subarray(0, sealed.length - RECORD_TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', context.key, nonceFor(index));
    decipher.setAAD(associatedData(context, index));
    decipher.setAuthTag(sealed.subarray(sealed.length - RECORD_TAG_BYTES));
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (cause) {
    throw new RecordAuthenticationError(index, { cause });
  }
}

/** Seals a whole file held in memory, record by record. */
export function* sealRecords(context: FileRecordContext, plaintext: Uint8Array): Generator<{ index: number; sealed: Buffer }> {
  checkRecordContext(context);
  if (plaintext.length !== context.size) throw new InvalidFileArgumentError(`the file holds ${String(plaintext.length)} bytes, the context says ${String(context.size)}`);
  for (let index = 0; index < recordCount(context.size); index++) {
    const start = index * RECORD_PLAINTEXT_BYTES;
    yield { index, sealed: sealRecord(context, index, plaintext.subarray(start, start + recordPlaintextBytes(context.size, index))) };
  }
}

/**
 * Opens a file's records as a stream, in order: refuses a record out of place, one seen before, one after the
 * last, and (at `finish`) a stream that stopped before its last record.
 */
export class FileRecordOpener {
  #next = 0;
  readonly #count: number;

  constructor(private readonly context: FileRecordContext) {
    checkRecordContext(context);
    this.#count = recordCount(context.size);
  }

  get nextIndex(): number {
    return this.#next;
  }

  open(index: number, sealed: Uint8Array): Buffer {
    if (index < this.#next) throw new DuplicateRecordError(index);
    if (index >= this.#count) throw new MalformedRecordError(index, `the file ends with record ${String(this.#count - 1)}`);
    if (index > this.#next) throw new RecordOutOfOrderError(index, this.#next);
    const plaintext = openRecord(this.context, index, sealed);
    this.#next++;
    return plaintext;
  }

  /** Throws unless the last record has been opened. */
  finish(): void {
    if (this.#next < this.#count) throw new TruncatedFileError(this.#next, this.#count);
  }
}
