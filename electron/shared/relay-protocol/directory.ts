// A relay's public group directory as data: names, listings and removals (zod), their signed bytes, paths and limits.
import { encode } from '@msgpack/msgpack';
import { z } from 'zod';
import { isOnionAddress } from '../onion-address/index.js';
import { API_PREFIX } from './wire.js';

/** Names are per relay: lower-case letters, digits and hyphens, 1–32 characters, no hyphen at either end. */
export const GROUP_NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
export const MAX_DESCRIPTION_LENGTH = 280;
export const MAX_INVITATION_LENGTH = 400;
/** An ed25519 signature, base64url without padding. */
const SIGNATURE = /^[A-Za-z0-9_-]{86}$/;

/** Prefixed to the signed bytes, so a listing's or removal's signature means nothing anywhere else. */
export const LISTING_SIGNATURE_CONTEXT = 'allium-directory-v1\0';
export const UNLISTING_SIGNATURE_CONTEXT = 'allium-directory-remove-v1\0';

export const DIRECTORY_PATH = `${API_PREFIX}/directory`;
export const directoryPath = (name: string): string => `${DIRECTORY_PATH}/${name}`;

const owner = z.string().refine(isOnionAddress, 'must be a v3 onion address in canonical form (56 characters, no .onion)');
const timestamp = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const directoryListingSchema = z.strictObject({
  name: z.string().regex(GROUP_NAME, 'must be 1–32 lower-case letters, digits or hyphens, with no hyphen at either end'),
  /** The group's 128-bit id, lower-case hex. */
  groupId: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lower-case hex digits'),
  description: z.string().max(MAX_DESCRIPTION_LENGTH),
  memberCount: z.number().int().min(1).max(1_000_000),
  /** The onion address of the group's owner, whose identity key signs the listing. */
  owner,
  /** `open` lets anyone in; `ask` sends a join request to the owner or an admin. */
  policy: z.enum(['open', 'ask']),
  /** The group's join link; the relay keeps it as it is. */
  invitation: z.string().min(1).max(MAX_INVITATION_LENGTH),
  /** Milliseconds since the epoch on the owner's clock; each update of a name must be newer than the last. */
  updatedAt: timestamp,
});
export type DirectoryListing = z.infer<typeof directoryListingSchema>;

export const signedListingSchema = z.strictObject({ listing: z.unknown(), sig: z.string().regex(SIGNATURE, 'must be 86 characters of base64url') });
/** A listing with its owner's signature, as sent to and kept by the relay. */
export interface SignedListing {
  readonly listing: DirectoryListing;
  readonly sig: string;
}

export const directoryUnlistingSchema = z.strictObject({
  name: z.string().regex(GROUP_NAME),
  owner,
  /** When the owner took the listing down (ms since the epoch); not before the listing's last update. */
  at: timestamp,
});
export type DirectoryUnlisting = z.infer<typeof directoryUnlistingSchema>;

export const signedUnlistingSchema = z.strictObject({ unlisting: z.unknown(), sig: z.string().regex(SIGNATURE, 'must be 86 characters of base64url') });
export interface SignedUnlisting {
  readonly unlisting: DirectoryUnlisting;
  readonly sig: string;
}

/** `GET /v1/directory`: every listing as the relay holds it; the client checks each signature itself. */
export const directoryListSchema = z.object({ listings: z.array(z.unknown()) });
/** `PUT /v1/directory/<name>`. */
export const listingPublishedSchema = z.object({ created: z.boolean(), expiresAt: z.number().int() });
/** `DELETE /v1/directory/<name>`. */
export const listingRemovedSchema = z.object({ removed: z.literal(true) });

/** The exact bytes an owner signs for a listing: the context, then MessagePack of the fields in a fixed order. */
export function listingSignedBytes(listing: DirectoryListing): Uint8Array {
  const { name, groupId, description, memberCount, owner: address, policy, invitation, updatedAt } = listing;
  return withContext(LISTING_SIGNATURE_CONTEXT, encode([name, groupId, description, memberCount, address, policy, invitation, updatedAt]));
}

/** The exact bytes an owner signs to take a listing down. */
export function unlistingSignedBytes(unlisting: DirectoryUnlisting): Uint8Array {
  return withContext(UNLISTING_SIGNATURE_CONTEXT, encode([unlisting.name, unlisting.owner, unlisting.at]));
}

function withContext(context: string, body: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(context);
  const bytes = new Uint8Array(prefix.length + body.length);
  bytes.set(prefix);
  bytes.set(body, prefix.length);
  return bytes;
}
