// vault.json: the profile's KDF parameters and its data key wrapped by the password; nothing secret in clear.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';
import { CorruptFileError, SealedFileError, UnsupportedFormatError, WrongPasswordError } from './errors.js';
import { type ScryptParams, deriveKey, newSalt, scryptParamsSchema } from './kdf.js';
import { seal, unseal } from './sealed-file.js';

export const VAULT_VERSION = 1;
const base64 = z.base64();

const vaultSchema = z.object({
  format: z.literal('allium-vault'),
  version: z.literal(VAULT_VERSION),
  profileId: z.string().regex(/^[0-9a-f]{16}$/u),
  /** A name the user picked to tell profiles apart before unlocking; not the nickname. */
  label: z.string().min(1).max(64),
  createdAt: z.iso.datetime(),
  kdf: scryptParamsSchema.extend({ salt: base64 }),
  wrappedDataKey: base64,
});
export type Vault = z.infer<typeof vaultSchema>;

async function wrap(profileId: string, password: string, params: ScryptParams, dataKey: Uint8Array): Promise<Pick<Vault, 'kdf' | 'wrappedDataKey'>> {
  const salt = newSalt();
  const kek = await deriveKey(password, salt, params);
  try {
    return {
      kdf: { ...params, salt: salt.toString('base64') },
      wrappedDataKey: seal(kek, 'data-key', profileId, dataKey).toString('base64'),
    };
  } finally {
    kek.fill(0);
  }
}

export async function createVault(
  profileId: string,
  label: string,
  password: string,
  params: ScryptParams,
  now: Date,
): Promise<{ vault: Vault; dataKey: Buffer }> {
  const dataKey = randomBytes(32);
  const wrapped = await wrap(profileId, password, params, dataKey);
  return { vault: { format: 'allium-vault', version: VAULT_VERSION, profileId, label, createdAt: now.toISOString(), ...wrapped }, dataKey };
}

/** Unwraps the data key; a wrong password (or an altered wrapped key) is a WrongPasswordError. */
export async function openVault(vault: Vault, password: string): Promise<Buffer> {
  const { salt, ...params } = vault.kdf;
  const kek = await deriveKey(password, Buffer.from(salt, 'base64'), params);
  try {
    return unseal(kek, 'data-key', vault.profileId, Buffer.from(vault.wrappedDataKey, 'base64'));
  } catch (cause) {
    if (cause instanceof SealedFileError && cause.problem === 'authentication-failed') throw new WrongPasswordError({ cause });
    throw cause;
  } finally {
    kek.fill(0);
  }
}

/** The same data key under a new password and fresh salt; nothing else in the profile changes. */
export async function rewrapVault(vault: Vault, dataKey: Uint8Array, newPassword: string, params: ScryptParams): Promise<Vault> {
  return { ...vault, ...(await wrap(vault.profileId, newPassword, params, dataKey)) };
}

export async function readVault(path: string): Promise<Vault> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') throw cause;
    throw new CorruptFileError(path, 'not valid JSON', undefined, { cause });
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > VAULT_VERSION) throw new UnsupportedFormatError(path, version);
  const parsed = vaultSchema.safeParse(json);
  if (!parsed.success) throw new CorruptFileError(path, `does not match its schema: ${parsed.error.message.slice(0, 200)}`, undefined);
  return parsed.data;
}

export async function writeVault(path: string, vault: Vault): Promise<void> {
  await writeFileAtomic(path, Buffer.from(`${JSON.stringify(vault, null, 2)}\n`, 'utf8'));
}
