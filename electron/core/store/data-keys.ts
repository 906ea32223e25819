// Splits the profile's random data key into one subkey per purpose, so no key serves two jobs.
import { createHmac, hkdfSync } from 'node:crypto';

export interface DataKeys {
  /** Seals the state database. */
  readonly state: Buffer;
  /** Seals history segments, log records and conversation headers. */
  readonly history: Buffer;
  /** Turns conversation ids into folder names that reveal nothing about the contact. */
  readonly names: Buffer;
}

function subkey(dataKey: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `allium-store-v1:${purpose}`, 32));
}

export function deriveDataKeys(dataKey: Uint8Array): DataKeys {
  return { state: subkey(dataKey, 'state'), history: subkey(dataKey, 'history'), names: subkey(dataKey, 'names') };
}

/** A stable, keyed, non-reversible folder name for a conversation. */
export function conversationFolderName(keys: DataKeys, conversationId: string): string {
  return createHmac('sha256', keys.names).update(conversationId, 'utf8').digest('hex').slice(0, 32);
}
