// Splits the profile's random data key into one subkey per purpose, so no key serves two jobs.
import { createHmac, hkdfSync } from 'node:crypto';

export interface DataKeys {
  /** Sealed the state files of the format before the database (read once, by the migration). */
  readonly state: Buffer;
  /** Sealed the history segments, log records and conversation headers of that format. */
  readonly history: Buffer;
  /** The raw SQLCipher key of the profile's database. */
  readonly database: Buffer;
  /** Turned conversation ids into that format's folder names. */
  readonly names: Buffer;
}

function subkey(dataKey: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `allium-store-v1:${purpose}`, 32));
}

export function deriveDataKeys(dataKey: Uint8Array): DataKeys {
  const database = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'allium-sqlcipher-v1', 32));
  return { state: subkey(dataKey, 'state'), history: subkey(dataKey, 'history'), names: subkey(dataKey, 'names'), database };
}

/** A stable, keyed, non-reversible folder name for a conversation. */
export function conversationFolderName(keys: DataKeys, conversationId: string): string {
  return createHmac('sha256', keys.names).update(conversationId, 'utf8').digest('hex').slice(0, 32);
}

/** Overwrites every subkey with zeros (lock, or a failed unlock). */
export function wipe(keys: DataKeys): void {
  for (const key of [keys.state, keys.history, keys.database, keys.names]) key.fill(0);
}
