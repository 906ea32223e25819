// Tests for resumable receiving: a crash and resume, records in any order, the final hash check, and progress that is not trusted when damaged.
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptProgressError, FileHashMismatchError, InvalidFileArgumentError, RecordAuthenticationError, TruncatedFileError } from './errors.js';
import { RECORD_PLAINTEXT_BYTES, newFileKey, sealRecords } from './file-records.js';
import { PartialFile, type PartialFileOptions } from './partial-file.js';
import { readSealedFile } from './stored-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'allium-partial-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** An offered file of `size` random bytes, its sealed records as a sender would send them, and the receiver's options. */
function offer(size: number, fileId = 'file-a'): { options: PartialFileOptions; plaintext: Buffer; records: Buffer[] } {
  const plaintext = randomBytes(size);
  const key = newFileKey();
  const records = Array.from(sealRecords({ key, fileId, size }, plaintext), (r) => r.sealed);
  return { options: { dir, key, fileId, size, sha256: sha256(plaintext), checkpointRecords: 2 }, plaintext, records };
}

async function plaintextOf(path: string, options: PartialFileOptions): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of readSealedFile(path, options)) parts.push(part);
  return Buffer.concat(parts);
}

describe('PartialFile', () => {
  it('resumes after a crash at the first record not yet recorded, and completes to a sealed file', async () => {
    const { options, plaintext, records } = offer(7 * RECORD_PLAINTEXT_BYTES - 100);
    const first = await PartialFile.open(options);
    expect(first.firstMissing).toBe(0);
    for (let index = 0; index < 5; index++) expect(await first.write(index, records[index]!)).toBe(true);
    // Crash: the object is dropped without close(); records 0–3 were checkpointed, record 4 was not.

    const resumed = await PartialFile.open(options);
    expect(resumed.receivedRecords).toBe(4);
    expect(resumed.firstMissing).toBe(4);
    const resumeAt = resumed.firstMissing ?? records.length;
    for (let index = resumeAt; index < records.length; index++) await resumed.write(index, records[index]!);
    expect(resumed.firstMissing).toBeUndefined();
    const sealedPath = await resumed.complete();

    expect(await readdir(dir)).toEqual([sealedPath.slice(dir.length + 1)]);
    const atRest = await readFile(sealedPath);
    expect(atRest.includes(plaintext.subarray(0, 64))).toBe(false);
    expect(await plaintextOf(sealedPath, options)).toEqual(plaintext);
  });

  it('resumes exactly where a clean close left off', async () => {
    const { options, records } = offer(5 * RECORD_PLAINTEXT_BYTES);
    const first = await PartialFile.open({ ...options, checkpointRecords: 100 });
    await first.write(0, records[0]!);
    await first.write(1, records[1]!);
    await first.write(2, records[2]!);
    await first.close();
    await first.close();
    expect((await PartialFile.open(options)).firstMissing).toBe(3);
  });

  it('takes records in any order and ignores one it already holds', async () => {
    const { options, plaintext, records } = offer(4 * RECORD_PLAINTEXT_BYTES + 1);
    const partial = await PartialFile.open(options);
    expect(await partial.write(3, records[3]!)).toBe(true);
    expect(await partial.write(0, records[0]!)).toBe(true);
    expect(partial.firstMissing).toBe(1);
    expect(await partial.write(0, records[0]!)).toBe(false);
    await Promise.all([4, 2, 1].map((index) => partial.write(index, records[index]!)));
    expect(partial.receivedRecords).toBe(5);
    expect(await plaintextOf(await partial.complete(), options)).toEqual(plaintext);
  });

  it('receives an empty file', async () => {
    const { options, records } = offer(0);
    const partial = await PartialFile.open(options);
    await partial.write(0, records[0]!);
    expect(await plaintextOf(await partial.complete(), options)).toEqual(Buffer.alloc(0));
  });

  it('refuses an altered record without writing it', async () => {
    const { options, records } = offer(2 * RECORD_PLAINTEXT_BYTES);
    const partial = await PartialFile.open(options);
    const altered = Buffer.from(records[1]!);
    altered[10]! ^= 0x01;
    await expect(async () => partial.write(1, altered)).rejects.toThrow(RecordAuthenticationError);
    expect(partial.has(1)).toBe(false);
    expect(await partial.write(1, records[1]!)).toBe(true);
  });

  it('refuses to complete while records are missing', async () => {
    const { options, records } = offer(3 * RECORD_PLAINTEXT_BYTES);
    const partial = await PartialFile.open(options);
    await partial.write(0, records[0]!);
    await partial.write(2, records[2]!);
    await expect(partial.complete()).rejects.toThrow(TruncatedFileError);
    await partial.write(1, records[1]!);
    await expect(partial.complete()).resolves.toContain('.sealed');
    await expect(partial.write(1, records[1]!)).rejects.toThrow(InvalidFileArgumentError);
  });

  it('deletes the download and names the mismatch when the file does not hash to the offered value', async () => {
    const { options, records } = offer(3 * RECORD_PLAINTEXT_BYTES);
    const partial = await PartialFile.open({ ...options, sha256: sha256(Buffer.from('something else')) });
    for (const [index, sealed] of records.entries()) await partial.write(index, sealed);
    await expect(partial.complete()).rejects.toThrow(FileHashMismatchError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('deletes the download when a record was damaged on disk after it was written', async () => {
    const { options, records } = offer(2 * RECORD_PLAINTEXT_BYTES);
    const partial = await PartialFile.open(options);
    for (const [index, sealed] of records.entries()) await partial.write(index, sealed);
    await partial.checkpoint();
    const bytes = await readFile(partial.paths.partial);
    bytes[100]! ^= 0x80;
    await writeFile(partial.paths.partial, bytes);
    await expect(partial.complete()).rejects.toThrow(RecordAuthenticationError);
    expect(await readdir(dir)).toEqual([]);
  });

  describe('a damaged progress record is reported, not trusted', () => {
    async function started(): Promise<{ options: PartialFileOptions; partial: PartialFile }> {
      const { options, records } = offer(4 * RECORD_PLAINTEXT_BYTES);
      const partial = await PartialFile.open(options);
      for (let index = 0; index < 3; index++) await partial.write(index, records[index]!);
      await partial.close();
      return { options, partial };
    }

    it('when a bit of it flipped', async () => {
      const { options, partial } = await started();
      const bytes = await readFile(partial.paths.progress);
      bytes[bytes.length - 20]! ^= 0x04;
      await writeFile(partial.paths.progress, bytes);
      await expect(PartialFile.open(options)).rejects.toThrow(CorruptProgressError);
    });

    it('when it is cut short or not a progress record at all', async () => {
      const { options, partial } = await started();
      await writeFile(partial.paths.progress, 'ALFP');
      await expect(PartialFile.open(options)).rejects.toThrow(CorruptProgressError);
      await writeFile(partial.paths.progress, '{"held":"/w=="}');
      await expect(PartialFile.open(options)).rejects.toThrow(CorruptProgressError);
    });

    it('when it belongs to another file or another size', async () => {
      const { options, partial } = await started();
      await expect(PartialFile.open({ ...options, size: options.size + 1 })).rejects.toThrow(/describes a file of/);
      const other = { ...offer(4 * RECORD_PLAINTEXT_BYTES, 'file-b').options, checkpointRecords: 1 };
      const otherPartial = await PartialFile.open(other);
      await otherPartial.close();
      await copyFile(partial.paths.progress, otherPartial.paths.progress);
      await expect(PartialFile.open(other)).rejects.toThrow(CorruptProgressError);
    });

    it('when the partial file is shorter than the records it claims, or gone', async () => {
      const { options, partial } = await started();
      await truncate(partial.paths.partial, 2 * RECORD_PLAINTEXT_BYTES);
      await expect(PartialFile.open(options)).rejects.toThrow(/shorter than the records it claims/);
      await rm(partial.paths.partial);
      await expect(PartialFile.open(options)).rejects.toThrow(/missing/);
    });

    it('and the download can then start over', async () => {
      const { options, partial } = await started();
      await writeFile(partial.paths.progress, 'garbage');
      await expect(PartialFile.open(options)).rejects.toThrow(CorruptProgressError);
      await PartialFile.discard(options.dir, options.fileId);
      expect((await PartialFile.open(options)).firstMissing).toBe(0);
    });
  });

  it('refuses an offered hash that is not a SHA-256', async () => {
    const { options } = offer(10);
    await expect(PartialFile.open({ ...options, sha256: 'abc' })).rejects.toThrow(InvalidFileArgumentError);
  });
});
