// Signs and checks public group directory entries with the owner's onion identity key.
import type { z } from 'zod';
import {
  directoryListingSchema,
  directoryUnlistingSchema,
  listingSignedBytes,
  signedListingSchema,
  signedUnlistingSchema,
  unlistingSignedBytes,
  type DirectoryListing,
  type DirectoryUnlisting,
  type SignedListing,
  type SignedUnlisting,
} from '../../shared/relay-protocol/index.js';
import { verifyOnionSignature, type OnionKey } from '../identity/index.js';
import { DirectoryListingError } from './errors.js';

/** What the owner decides; `owner` is the signing key's address. */
export type DirectoryListingDraft = Omit<DirectoryListing, 'owner'>;

/** The listing with `key`'s address as owner, signed; throws {@link DirectoryListingError} for a field out of bounds. */
export function signListing(key: OnionKey, draft: DirectoryListingDraft): SignedListing {
  const listing = parse(directoryListingSchema, { ...draft, owner: key.address }, 'group listing');
  return { listing, sig: Buffer.from(key.sign(listingSignedBytes(listing))).toString('base64url') };
}

/** The listing inside `signed`, once its fields and its owner's signature check out; otherwise throws {@link DirectoryListingError}. */
export function verifyListing(signed: unknown): DirectoryListing {
  return verifySignedListing(signed).listing;
}

/** As {@link verifyListing}, keeping the signature: the signed listing with nothing but its known fields. */
export function verifySignedListing(signed: unknown): SignedListing {
  const outer = parse(signedListingSchema, signed, 'signed group listing');
  const listing = parse(directoryListingSchema, outer.listing, 'group listing');
  if (!verifyOnionSignature(listing.owner, listingSignedBytes(listing), Buffer.from(outer.sig, 'base64url'))) {
    throw new DirectoryListingError('signature', `The listing of "${listing.name}" is not signed by its owner ${listing.owner}.`);
  }
  return { listing, sig: outer.sig };
}

/** The owner's signed request to take `name` out of a relay's directory, made at `at` (ms since the epoch). */
export function signUnlisting(key: OnionKey, name: string, at: number): SignedUnlisting {
  const unlisting = parse(directoryUnlistingSchema, { name, owner: key.address, at }, 'directory removal');
  return { unlisting, sig: Buffer.from(key.sign(unlistingSignedBytes(unlisting))).toString('base64url') };
}

/** The removal inside `signed`, once its owner's signature checks out; otherwise throws {@link DirectoryListingError}. */
export function verifyUnlisting(signed: unknown): DirectoryUnlisting {
  const outer = parse(signedUnlistingSchema, signed, 'signed directory removal');
  const unlisting = parse(directoryUnlistingSchema, outer.unlisting, 'directory removal');
  if (!verifyOnionSignature(unlisting.owner, unlistingSignedBytes(unlisting), Buffer.from(outer.sig, 'base64url'))) {
    throw new DirectoryListingError('signature', `The removal of "${unlisting.name}" is not signed by ${unlisting.owner}.`);
  }
  return unlisting;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')} ${issue.message}` : issue.message));
  throw new DirectoryListingError('malformed', `This ${what} is malformed: ${problems.join('; ')}.`);
}
