// The durable record of a partial download: which records it holds, sealed under a key derived from the file key and replaced atomically.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../store/atomic-write.js';
import { CorruptProgressError } from './errors.js';
import { type FileRecordContext, recordCount } from './file-records.js';
import { HeldRecords } from './held-records.js';

const HEADER = Buffer.from('ALFP\x01', 'latin1');
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const ProgressSchema = z.object({
  size: z.number().int().nonnegative(),
  held: z.base64(),
});

/** Its own key, so the file key never seals anything but records (whose nonces are indices, not random). */
function progressKey(context: FileRecordContext): Buffer {
  return Buffer.from(hkdfSync('sha256', context.key, Buffer.alloc(0), 'allium:file-progress:v1', 32));
}

function associatedData(context: FileRecordContext): Buffer {
  return Buffer.concat([HEADER, Buffer.from(context.fileId, 'utf8')]);
}

export async function writeProgress(path: string, context: FileRecordContext, held: HeldRecords): Promise<void> {
  const json = JSON.stringify({ size: context.size, held: Buffer.from(held.toBytes()).toString('base64') });
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', progressKey(context), nonce).setAAD(associatedData(context));
  const body = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  await writeFileAtomic(path, Buffer.concat([HEADER, nonce, body, cipher.getAuthTag()]));
}

/** The saved progress, undefined when there is none, or CorruptProgressError when it is unreadable or not this file's. */
export async function readProgress(path: string, context: FileRecordContext): Promise<HeldRecords | undefined> {
  let sealed: Buffer;
  try {
    sealed = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (sealed.length < HEADER.length + NONCE_BYTES + TAG_BYTES || !sealed.subarray(0, HEADER.length).equals(HEADER)) {
    throw new CorruptProgressError(path, 'not a progress record of this version');
  }
  let json: string;
  try {
    const nonce = sealed.subarray(HEADER.length, HEADER.length + NONCE_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', progressKey(context), nonce).setAAD(associatedData(context));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    json = Buffer.concat([decipher.update(sealed.subarray(HEADER.length + NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new CorruptProgressError(path, 'it was altered, or belongs to another file', { cause });
  }
  try {
    const progress = ProgressSchema.parse(JSON.parse(json));
    if (progress.size !== context.size) throw new Error(`it describes a file of ${String(progress.size)} bytes, not ${String(context.size)}`);
    return new HeldRecords(recordCount(context.size), Buffer.from(progress.held, 'base64'));
  } catch (cause) {
    throw new CorruptProgressError(path, cause instanceof Error ? cause.message : 'unreadable content', { cause });
  }
}
