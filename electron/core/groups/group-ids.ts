// Identifiers of a group: its random id fixed at creation, and the sender-key distribution id of each key epoch.
import { createHash, randomBytes } from 'node:crypto';
import type { Roster } from './roster.js';

/** A fresh 128-bit group id, hex. */
export function newGroupId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The distribution id of the roster's current sender keys: derived from the group id and key epoch, so every member
 * computes the same one without a message, and a new one starts at every removal. Formatted as a UUID version 8
 * (RFC 9562 "custom"), which is what libsignal takes.
 */
export function distributionIdFor(roster: Roster): string {
  const known = distributionIds.get(roster);
  if (known !== undefined) return known;
  const bytes = createHash('sha256').update('allium-group-keys-v1').update(roster.groupId).update(roster.keyEpoch).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  distributionIds.set(roster, id);
  return id;
}

/** Rosters are never changed once made, so each one's id is computed once: it is asked at every message. */
const distributionIds = new WeakMap<Roster, string>();
