// Tests for encrypted file records: the byte layout, round trips at record boundaries, and every way a stream of records can be tampered with.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DuplicateRecordError, InvalidFileArgumentError, MalformedRecordError, RecordAuthenticationError, RecordOutOfOrderError, TruncatedFileError } from './errors.js';
import {
  FileRecordOpener,
  type FileRecordContext,
  RECORD_PLAINTEXT_BYTES,
  RECORD_TAG_BYTES,
  newFileKey,
  openRecord,
  recordCount,
  sealRecord,
  sealRecords,
  sealedFileSize,
} from './file-records.js';

const R = RECORD_PLAINTEXT_BYTES;

function sealedFile(size: number, fileId = 'file-1'): { context: FileRecordContext; plaintext: Buffer; records: Buffer[] } {
  const context = { key: newFileKey(), fileId, size };
  const plaintext = randomBytes(size);
  return { context, plaintext, records: Array.from(sealRecords(context, plaintext), (r) => r.sealed) };
}

function openAll(context: FileRecordContext, records: readonly Buffer[]): Buffer {
  const opener = new FileRecordOpener(context);
  const parts = records.map((sealed, index) => opener.open(index, sealed));
  opener.finish();
  return Buffer.concat(parts);
}

describe('file records', () => {
  it('seals with the index as nonce and file id, index and last flag as associated data', () => {
    const key = Buffer.alloc(32, 7);
    const plaintext = Buffer.from('hello');
    const context = { key, fileId: 'f', size: R + plaintext.length };
    const nonce = Buffer.from('000000000000000000000001', 'hex');
    const ad = Buffer.concat([Buffer.from('allium:file-record:v1\0'), Buffer.from([1]), Buffer.from('f'), Buffer.from('000000000000000101', 'hex')]);
    const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(ad);
    const expected = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    expect(sealRecord(context, 1, plaintext)).toEqual(expected);
  });

  it.each([0, 1, R - 1, R, R + 1, 3 * R + 5])('round-trips a file of %i bytes in records of 64 KiB plus a tag', (size) => {
    const { context, plaintext, records } = sealedFile(size);
    expect(records).toHaveLength(recordCount(size));
    expect(records.slice(0, -1).every((r) => r.length === R + RECORD_TAG_BYTES)).toBe(true);
    expect(records.reduce((sum, r) => sum + r.length, 0)).toBe(sealedFileSize(size));
    expect(openAll(context, records)).toEqual(plaintext);
  });

  it('seals the same record to the same bytes, so a resent record is identical', () => {
    const { context, plaintext, records } = sealedFile(2 * R);
    expect(sealRecord(context, 0, plaintext.subarray(0, R))).toEqual(records[0]);
  });

  it('refuses a file cut short before its last record', () => {
    const { context, records } = sealedFile(3 * R);
    const opener = new FileRecordOpener(context);
    records.slice(0, 2).forEach((sealed, index) => opener.open(index, sealed));
    expect(() => opener.finish()).toThrow(TruncatedFileError);
  });

  it('refuses a cut-short file passed off as a smaller one: the new last record was not sealed as last', () => {
    const { context, records } = sealedFile(3 * R);
    const opener = new FileRecordOpener({ ...context, size: 2 * R });
    opener.open(0, records[0]!);
    expect(() => opener.open(1, records[1]!)).toThrow(RecordAuthenticationError);
  });

  it('refuses reordered records, whether labelled with their own index or the expected one', () => {
    const { context, records } = sealedFile(3 * R);
    expect(() => new FileRecordOpener(context).open(1, records[1]!)).toThrow(RecordOutOfOrderError);
    expect(() => new FileRecordOpener(context).open(0, records[1]!)).toThrow(RecordAuthenticationError);
  });

  it('refuses a duplicated record', () => {
    const { context, records } = sealedFile(3 * R);
    const opener = new FileRecordOpener(context);
    opener.open(0, records[0]!);
    expect(() => opener.open(0, records[0]!)).toThrow(DuplicateRecordError);
  });

  it('refuses a flipped bit anywhere in a record, tag included', () => {
    const { context, records } = sealedFile(100);
    const sealed = records[0]!;
    for (const bit of [0, 8 * 50 + 3, 8 * sealed.length - 1]) {
      const flipped = Buffer.from(sealed);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(() => openRecord(context, 0, flipped)).toThrow(RecordAuthenticationError);
    }
  });

  it('refuses a record of another file, even under the same key, and under another key', () => {
    const { context, records } = sealedFile(2 * R, 'file-1');
    expect(() => openRecord({ ...context, fileId: 'file-2' }, 0, records[0]!)).toThrow(RecordAuthenticationError);
    expect(() => openRecord({ ...context, key: newFileKey() }, 0, records[0]!)).toThrow(RecordAuthenticationError);
  });

  it('refuses a record after the last, and one of the wrong length', () => {
    const { context, records } = sealedFile(R);
    const opener = new FileRecordOpener(context);
    opener.open(0, records[0]!);
    expect(() => opener.open(1, records[0]!)).toThrow(MalformedRecordError);
    expect(() => openRecord(context, 0, records[0]!.subarray(1))).toThrow(MalformedRecordError);
  });

  it('refuses a key, file id or size no sender would use', () => {
    expect(() => new FileRecordOpener({ key: randomBytes(16), fileId: 'f', size: 1 })).toThrow(InvalidFileArgumentError);
    expect(() => new FileRecordOpener({ key: newFileKey(), fileId: '', size: 1 })).toThrow(InvalidFileArgumentError);
    expect(() => new FileRecordOpener({ key: newFileKey(), fileId: 'x'.repeat(256), size: 1 })).toThrow(InvalidFileArgumentError);
    expect(() => new FileRecordOpener({ key: newFileKey(), fileId: 'f', size: -1 })).toThrow(InvalidFileArgumentError);
    expect(() => sealRecord({ key: newFileKey(), fileId: 'f', size: 10 }, 0, Buffer.alloc(9))).toThrow(InvalidFileArgumentError);
  });
});
