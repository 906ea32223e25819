// Relay protocol pieces with literal values: bucket padding, the signed text, invitations and typos in them, blob capabilities.
import { describe, expect, it } from 'vitest';
import { OnionAddressError } from '../onion-address/index.js';
import {
  MAX_ENVELOPE_BYTES,
  RelayPaddingError,
  blobCapability,
  blobChunkPath,
  bucketFor,
  padToBucket,
  parseBlobCapability,
  parseRelayAddress,
  relayInvitation,
  signedRequestText,
  unpad,
} from './index.js';

// rend-spec-v3's example address (the key of the test vector in onion-address.test.ts).
const ADDRESS = 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd';

describe('relay padding', () => {
  it('pads to the smallest bucket that holds the length prefix and the envelope', () => {
    expect(bucketFor(0)).toBe(1_024);
    expect(bucketFor(1_020)).toBe(1_024);
    expect(bucketFor(1_021)).toBe(4_096);
    expect(bucketFor(MAX_ENVELOPE_BYTES)).toBe(262_144);
    expect(bucketFor(MAX_ENVELOPE_BYTES + 1)).toBeUndefined();
    const padded = padToBucket(Uint8Array.of(7, 8, 9));
    expect(padded.length).toBe(1_024);
    expect([...padded.subarray(0, 8)]).toEqual([0, 0, 0, 3, 7, 8, 9, 0]);
    expect([...unpad(padded)]).toEqual([7, 8, 9]);
  });

  it('refuses what cannot be padded or unpadded', () => {
    expect(() => padToBucket(new Uint8Array(MAX_ENVELOPE_BYTES + 1))).toThrow(RelayPaddingError);
    expect(() => unpad(new Uint8Array(1_000))).toThrow(/not one of the size buckets/);
    const lying = new Uint8Array(1_024);
    lying.set([0, 0, 4, 1]);
    expect(() => unpad(lying)).toThrow(/claims more bytes/);
  });
});

describe('signed request text', () => {
  it('is the domain, method, path with query, timestamp and body hash, one per line', () => {
    const text = signedRequestText({ method: 'get', pathAndQuery: '/v1/queues/q/messages?after=0&wait=25', timestamp: 1_700_000_000_000, bodySha256Hex: 'e3b0' });
    expect(text).toBe('allium-relay-request-v1\nGET\n/v1/queues/q/messages?after=0&wait=25\n1700000000000\ne3b0');
  });
});

describe('relay invitations', () => {
  it('round-trips an invitation and accepts a bare address as people paste it', () => {
    const invitation = relayInvitation(parseRelayAddress(ADDRESS));
    expect(invitation).toBe(`allium-relay:${ADDRESS}.onion`);
    expect(parseRelayAddress(` ${invitation} `)).toBe(ADDRESS);
    expect(parseRelayAddress(`${ADDRESS.toUpperCase()}.onion`)).toBe(ADDRESS);
  });

  it('refuses a typo in words', () => {
    const typo = `allium-relay:${ADDRESS.slice(0, 10)}q${ADDRESS.slice(11)}.onion`;
    expect(() => parseRelayAddress(typo)).toThrow(OnionAddressError);
    expect(() => parseRelayAddress(typo)).toThrow(/typo/);
    expect(() => parseRelayAddress('allium-relay:http://example.onion/')).toThrow(/link/);
  });
});

describe('blob capabilities', () => {
  const blobId = 'AAAAAAAAAAAAAAAAAAAAAA';
  const secret = 'B'.repeat(43);

  it('round-trips `<blob id>.<secret>` and names chunk paths by offset', () => {
    expect(blobCapability({ blobId, secret })).toBe(`${blobId}.${secret}`);
    expect(parseBlobCapability(`${blobId}.${secret}`)).toEqual({ blobId, secret });
    expect(blobChunkPath('q'.repeat(43), blobId, 1_048_576)).toBe(`/v1/queues/${'q'.repeat(43)}/blobs/${blobId}?offset=1048576`);
  });

  it('refuses anything but the exact form a relay makes', () => {
    for (const text of ['', blobId, `${blobId}.${secret}.x`, `${blobId}x.${secret}`, `${blobId}.${secret.slice(1)}`, `${blobId}.${secret.slice(1)}=`]) {
      expect(parseBlobCapability(text)).toBeUndefined();
    }
  });
});
