// Directory listings and removals: signed by the owner's onion key, refused when tampered, signed by another or malformed.
import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { GROUP_NAME, listingSignedBytes, unlistingSignedBytes, type DirectoryListing } from '../../shared/relay-protocol/index.js';
import { onionKeyFromSeed } from '../identity/index.js';
import { signListing, signUnlisting, verifyListing, verifyUnlisting, type DirectoryListingDraft } from './directory-listing.js';
import { DirectoryListingError } from './errors.js';

const alice = onionKeyFromSeed(new Uint8Array(32).fill(1));
const mallory = onionKeyFromSeed(new Uint8Array(32).fill(2));

const draft: DirectoryListingDraft = {
  name: 'rust-learners',
  groupId: '0123456789abcdef0123456789abcdef',
  description: 'Reading the book together, one chapter a week.',
  memberCount: 4,
  policy: 'ask',
  invitation: 'allium-group:example-link',
  updatedAt: 1_700_000_000_000,
};

/** The error `action` throws, for checking its class and reason. */
function failure(action: () => unknown): DirectoryListingError | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof DirectoryListingError) return error;
    throw error;
  }
  return undefined;
}

/** What arrives from the network: plain JSON. */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

describe('directory listing signatures', () => {
  it('signs the context then MessagePack of the fields in a fixed order', () => {
    const listing: DirectoryListing = { ...draft, owner: alice.address };
    const bytes = listingSignedBytes(listing);
    const context = new TextEncoder().encode('allium-directory-v1\0');
    expect([...bytes.subarray(0, context.length)]).toEqual([...context]);
    const fields = encode(['rust-learners', draft.groupId, draft.description, 4, alice.address, 'ask', draft.invitation, 1_700_000_000_000]);
    expect(Buffer.from(bytes.subarray(context.length)).toString('hex')).toBe(Buffer.from(fields).toString('hex'));
    // A fixarray of 8, then the name as a fixstr of 13 bytes.
    expect(Buffer.from(bytes.subarray(context.length, context.length + 3)).toString('hex')).toBe('98ad72');
    // Key order in the object does not matter: the bytes follow the fixed field order.
    const reordered = Object.fromEntries(Object.entries(listing).reverse()) as DirectoryListing;
    expect(listingSignedBytes(reordered)).toEqual(bytes);
  });

  it('round-trips through JSON with the signer as owner', () => {
    const signed = signListing(alice, draft);
    expect(signed.listing.owner).toBe(alice.address);
    expect(signed.sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(verifyListing(overTheWire(signed))).toEqual({ ...draft, owner: alice.address });
  });

  it.each([
    ['description', { description: 'Free crypto, click here.' }],
    ['member count', { memberCount: 5_000 }],
    ['policy', { policy: 'open' }],
    ['invitation', { invitation: 'allium-group:mallorys-link' }],
    ['time', { updatedAt: 1_700_000_000_001 }],
    ['name', { name: 'rust-learner' }],
    ['group id', { groupId: 'f'.repeat(32) }],
  ])('refuses a listing whose %s was changed after signing', (_field, change) => {
    const signed = signListing(alice, draft);
    const error = failure(() => verifyListing({ ...signed, listing: { ...signed.listing, ...change } }));
    expect(error?.reason).toBe('signature');
    expect(error?.message).toMatch(/not signed by its owner/);
  });

  it('refuses a listing naming one owner and signed by another', () => {
    const claimed: DirectoryListing = { ...draft, owner: alice.address };
    const forged = { listing: claimed, sig: Buffer.from(mallory.sign(listingSignedBytes(claimed))).toString('base64url') };
    expect(failure(() => verifyListing(forged))?.reason).toBe('signature');
    // Mallory's own signed listing, with Alice's address put in afterwards.
    const relabelled = signListing(mallory, draft);
    expect(failure(() => verifyListing({ ...relabelled, listing: { ...relabelled.listing, owner: alice.address } }))?.reason).toBe('signature');
  });

  it.each([
    ['an upper-case name', { name: 'Rust' }],
    ['a name ending in a hyphen', { name: 'rust-' }],
    ['a 33-character name', { name: 'a'.repeat(33) }],
    ['a 281-character description', { description: 'x'.repeat(281) }],
    ['no members', { memberCount: 0 }],
    ['a fractional member count', { memberCount: 2.5 }],
    ['an unknown policy', { policy: 'closed' }],
    ['a 401-character invitation', { invitation: 'x'.repeat(401) }],
    ['an upper-case group id', { groupId: 'A'.repeat(32) }],
    ['an owner with .onion', { owner: `${alice.address}.onion` }],
    ['an extra field', { admins: [] }],
  ])('refuses %s as malformed, in words', (_what, change) => {
    const signed = signListing(alice, draft);
    const error = failure(() => verifyListing({ ...signed, listing: { ...signed.listing, ...change } }));
    expect(error?.reason).toBe('malformed');
    expect(error?.message).toMatch(/^This group listing is malformed: /);
  });

  it('refuses what is not a signed listing at all', () => {
    const signed = signListing(alice, draft);
    for (const bad of [undefined, 'listing', {}, { listing: signed.listing }, { ...signed, sig: 'A'.repeat(85) }, { ...signed, extra: 1 }]) {
      expect(failure(() => verifyListing(bad))?.reason).toBe('malformed');
    }
    expect(failure(() => signListing(alice, { ...draft, name: '-bad' }))?.message).toMatch(/name/);
  });

  it('accepts exactly the names of the directory', () => {
    for (const name of ['a', '7', 'a-b', 'abc-123-x', 'a'.repeat(32), 'a--b']) expect(GROUP_NAME.test(name)).toBe(true);
    for (const name of ['', '-', '-a', 'a-', 'a_b', 'a b', 'é', 'a'.repeat(33), 'A']) expect(GROUP_NAME.test(name)).toBe(false);
  });
});

describe('directory removals', () => {
  it('are signed by the owner over their own context, and refused when tampered or signed by another', () => {
    const signed = signUnlisting(alice, 'rust-learners', 1_700_000_000_500);
    expect(verifyUnlisting(overTheWire(signed))).toEqual({ name: 'rust-learners', owner: alice.address, at: 1_700_000_000_500 });
    expect(failure(() => verifyUnlisting({ ...signed, unlisting: { ...signed.unlisting, at: 1_700_000_000_501 } }))?.reason).toBe('signature');
    expect(failure(() => verifyUnlisting({ ...signed, unlisting: { ...signed.unlisting, name: 'other' } }))?.reason).toBe('signature');
    const byMallory = signUnlisting(mallory, 'rust-learners', 1_700_000_000_500);
    expect(failure(() => verifyUnlisting({ ...byMallory, unlisting: { ...byMallory.unlisting, owner: alice.address } }))?.reason).toBe('signature');
    // A listing's signature is no removal's: the contexts differ.
    expect(unlistingSignedBytes(signed.unlisting).subarray(0, 26)).toEqual(new TextEncoder().encode('allium-directory-remove-v1'));
    expect(failure(() => verifyUnlisting({ unlisting: signed.unlisting, sig: signListing(alice, draft).sig }))?.reason).toBe('signature');
    expect(failure(() => verifyUnlisting({ unlisting: { name: 'Bad', owner: alice.address, at: 1 }, sig: signed.sig }))?.reason).toBe('malformed');
  });
});
