// Small facts about files in conversations: whether one belongs to a group, and how long each sealed record is.
import { RECORD_PLAINTEXT_BYTES, SEALED_RECORD_BYTES, recordCount } from '../../files/index.js';

/** A group's id (32 hex digits) rather than a contact's address (56 base32 characters). */
export function isGroup(conversation: string): boolean {
  return /^[0-9a-f]{32}$/.test(conversation);
}

/** Sealed bytes of record `index` (the last one is shorter). */
export function sealedBytesOf(size: number, index: number): number {
  const records = recordCount(size);
  if (index < records - 1) return SEALED_RECORD_BYTES;
  return size - index * RECORD_PLAINTEXT_BYTES + (SEALED_RECORD_BYTES - RECORD_PLAINTEXT_BYTES);
}
