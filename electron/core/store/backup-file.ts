// The passphrase-encrypted backup file: a clear header with the KDF parameters, then one sealed JSON document.
import { z } from 'zod';
import { DamagedBackupError, SealedFileError, UnsupportedFormatError, WrongBackupPassphraseError } from './errors.js';
import { historyMessageSchema } from './history/history-message.js';
import { type ScryptParams, deriveKey, newSalt, scryptParamsSchema } from './kdf.js';
import { migrateState } from './migrations/index.js';
import { seal, unseal } from './sealed-file.js';
import type { StateData } from './state-schema.js';

const MAGIC = Buffer.from('ALBK\x01', 'latin1');
const HEADER_LENGTH_BYTES = 4;
const MAX_HEADER_BYTES = 4096;
/** A crafted header must not make us allocate more than this for scrypt. */
const MAX_KDF_MEMORY = 512 * 1024 * 1024;

const headerSchema = z.object({
  kdf: scryptParamsSchema
    .extend({ salt: z.base64() })
    .refine((kdf) => 128 * 2 ** kdf.logN * kdf.r * kdf.p <= MAX_KDF_MEMORY, 'scrypt parameters too costly'),
});

const contentsSchema = z.object({
  formatVersion: z.literal(1),
  exportedAt: z.iso.datetime(),
  label: z.string().min(1).max(64),
  state: z.unknown().transform((json, ctx) => {
    try {
      return migrateState(json);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : 'invalid state' });
      return z.NEVER;
    }
  }),
  history: z.array(z.object({ conversationId: z.string().min(1), messages: z.array(historyMessageSchema) })).nullable(),
});

export interface BackupContents {
  formatVersion: 1;
  exportedAt: string;
  label: string;
  state: StateData;
  /** Present when the user chose to include history. */
  history: { conversationId: string; messages: z.infer<typeof historyMessageSchema>[] }[] | null;
}

export async function encodeBackup(contents: BackupContents, passphrase: string, params: ScryptParams): Promise<Buffer> {
  const salt = newSalt();
  const header = Buffer.from(JSON.stringify({ kdf: { ...params, salt: salt.toString('base64') } }), 'utf8');
  const length = Buffer.alloc(HEADER_LENGTH_BYTES);
  length.writeUInt32BE(header.length);
  const key = await deriveKey(passphrase, salt, params);
  const body = seal(key, 'backup', header.toString('utf8'), Buffer.from(JSON.stringify(contents), 'utf8'));
  key.fill(0);
  return Buffer.concat([MAGIC, length, header, body]);
}

function parseHeader(bytes: Buffer): { header: z.infer<typeof headerSchema>; headerText: string; body: Buffer } {
  if (bytes.length < MAGIC.length + HEADER_LENGTH_BYTES) throw new DamagedBackupError('too short');
  if (!bytes.subarray(0, MAGIC.length - 1).equals(MAGIC.subarray(0, MAGIC.length - 1))) throw new DamagedBackupError('not an Allium backup');
  if (bytes[MAGIC.length - 1] !== MAGIC[MAGIC.length - 1]) throw new UnsupportedFormatError('backup', bytes[MAGIC.length - 1]!);
  const headerLength = bytes.readUInt32BE(MAGIC.length);
  const start = MAGIC.length + HEADER_LENGTH_BYTES;
  if (headerLength > MAX_HEADER_BYTES || start + headerLength > bytes.length) throw new DamagedBackupError('header length out of range');
  const headerText = bytes.subarray(start, start + headerLength).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(headerText);
  } catch (cause) {
    throw new DamagedBackupError('header is not JSON', { cause });
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) throw new DamagedBackupError(`header: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return { header: parsed.data, headerText, body: bytes.subarray(start + headerLength) };
}

/** Opens a backup; a wrong passphrase and a damaged file are told apart wherever the bytes allow it. */
export async function decodeBackup(bytes: Buffer, passphrase: string): Promise<BackupContents> {
  const { header, headerText, body } = parseHeader(bytes);
  const { salt, ...params } = header.kdf;
  const key = await deriveKey(passphrase, Buffer.from(salt, 'base64'), params);
  let plaintext: Buffer;
  try {
    plaintext = unseal(key, 'backup', headerText, body);
  } catch (cause) {
    if (cause instanceof SealedFileError && cause.problem === 'authentication-failed') throw new WrongBackupPassphraseError({ cause });
    throw new DamagedBackupError(cause instanceof SealedFileError ? cause.problem : 'unreadable', { cause });
  } finally {
    key.fill(0);
  }
  let json: unknown;
  try {
    json = JSON.parse(plaintext.toString('utf8'));
  } catch (cause) {
    throw new DamagedBackupError('contents are not JSON', { cause });
  }
  const parsed = contentsSchema.safeParse(json);
  if (!parsed.success) throw new DamagedBackupError(`contents: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
