// Identifiers of a group: its id, which commits to its owner and creation, and the sender-key distribution id of each key epoch.
import { createHash, randomBytes } from 'node:crypto';
import type { OnionKey } from '../identity/index.js';
import { signRosterOperation, type MemberCard, type SignedRosterOperation } from './roster-operation.js';
import type { Roster } from './roster.js';

const GROUP_ID_CONTEXT = 'allium-group-id-v1';

/**
 * The id of the group `owner` creates with `nonce`: the first 16 bytes of SHA-256("allium-group-id-v1" ‖ owner ‖
 * nonce), hex. A `create` is accepted only under the id it commits to, so nobody but the owner can present one for
 * a known id.
 */
export function groupIdFor(owner: string, nonce: Uint8Array): string {
  return createHash('sha256').update(GROUP_ID_CONTEXT).update(owner).update(nonce).digest().subarray(0, 16).toString('hex');
}

/** A new group: its creation, signed by `key` with a fresh nonce, under the id that nonce commits to. */
export function signGroupCreation(key: OnionKey, name: string, owner: MemberCard, at: number): SignedRosterOperation {
  const nonce = new Uint8Array(randomBytes(16));
  return signRosterOperation(key, { group: groupIdFor(key.address, nonce), parents: [], at, action: { kind: 'create', name, owner, nonce } });
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
