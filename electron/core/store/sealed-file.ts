// The sealed-bytes format: magic, version, nonce, AES-256-GCM ciphertext; the file's role is bound as associated data.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SealedFileError } from './errors.js';

/** What a sealed blob is for; bound into the authentication tag so one can't be passed off as another. */
export type SealedRole = 'state' | 'state-record' | 'history-segment' | 'history-record' | 'conversation' | 'data-key' | 'backup';

export const SEALED_MAGIC = Buffer.from('ALSF', 'ascii');
export const SEALED_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = SEALED_MAGIC.length + 1;
export const SEALED_OVERHEAD = HEADER_BYTES + NONCE_BYTES + TAG_BYTES;

function associatedData(header: Uint8Array, role: SealedRole, context: string): Buffer {
  return Buffer.concat([header, Buffer.from(`allium:${role}:v${String(SEALED_VERSION)}\0${context}`, 'utf8')]);
}

/**
 * Seals plaintext under a 256-bit key with a fresh random nonce. `context` names the exact slot the
 * blob belongs to (a profile, a conversation and segment, a record position) and is authenticated too.
 */
export function seal(key: Uint8Array, role: SealedRole, context: string, plaintext: Uint8Array): Buffer {
  const header = Buffer.concat([SEALED_MAGIC, Buffer.from([SEALED_VERSION])]);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData(header, role, context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
}

/** The random nonce of a sealed blob: it names that exact blob (the state journal binds its records to its snapshot by it). */
export function nonceOf(sealed: Uint8Array): Buffer {
  if (sealed.length < SEALED_OVERHEAD) throw new SealedFileError('too-short');
  return Buffer.from(sealed.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES));
}

/** Opens a sealed blob, or throws SealedFileError naming what is wrong with it; never anything else. */
export function unseal(key: Uint8Array, role: SealedRole, context: string, sealed: Uint8Array): Buffer {
  if (sealed.length < SEALED_OVERHEAD) throw new SealedFileError('too-short');
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (!bytes.subarray(0, SEALED_MAGIC.length).equals(SEALED_MAGIC)) throw new SealedFileError('bad-magic');
  if (bytes[SEALED_MAGIC.length] !== SEALED_VERSION) throw new SealedFileError('unsupported-version');
  const header = bytes.subarray(0, HEADER_BYTES);
  const nonce = bytes.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  const body = bytes.subarray(HEADER_BYTES + NONCE_BYTES, bytes.length - TAG_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(associatedData(header, role, context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (cause) {
    throw new SealedFileError('authentication-failed', { cause });
  }
}
