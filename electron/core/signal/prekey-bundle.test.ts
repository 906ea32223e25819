// The prekey bundle format: round trip, every refusal by name, and fast-check over random and mutated bytes.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BundleFormatError, type BundleFormatProblem } from './errors.js';
import { loadOrCreateLocalIdentity } from './local-identity.js';
import { MAX_BUNDLE_BYTES, parsePreKeyBundle, serializePreKeyBundle } from './prekey-bundle.js';
import { DEFAULT_PREKEY_POLICY, PreKeyIssuer } from './prekey-issuer.js';
import { InMemorySignalRecordStore } from './record-store.js';

let valid: Uint8Array;

beforeAll(async () => {
  const records = new InMemorySignalRecordStore();
  const issuer = new PreKeyIssuer(records, await loadOrCreateLocalIdentity(records), DEFAULT_PREKEY_POLICY, () => new Date());
  valid = serializePreKeyBundle(await issuer.issue());
});

function problemOf(bytes: Uint8Array): BundleFormatProblem | 'accepted' {
  try {
    parsePreKeyBundle(bytes);
    return 'accepted';
  } catch (error) {
    if (error instanceof BundleFormatError) return error.reason;
    throw error;
  }
}

/** Offsets in a bundle: version 1, registration id 4, prekey id 4, prekey 2+33, signed prekey id 4, signed prekey 2+33. */
const SIGNED_PREKEY_OFFSET = 1 + 4 + 4 + 35 + 4 + 2;
const SIGNED_PREKEY_SIGNATURE_OFFSET = SIGNED_PREKEY_OFFSET + 33 + 2;
const KYBER_PREKEY_OFFSET = SIGNED_PREKEY_SIGNATURE_OFFSET + 64 + 4 + 2;

/** Keys and signatures a change to which the signature checks must catch: signed prekey, Kyber prekey, identity key. */
const SIGNED_RANGES: readonly (readonly [number, number])[] = [
  [SIGNED_PREKEY_OFFSET, SIGNED_PREKEY_OFFSET + 33],
  [SIGNED_PREKEY_SIGNATURE_OFFSET, SIGNED_PREKEY_SIGNATURE_OFFSET + 64],
  [KYBER_PREKEY_OFFSET, KYBER_PREKEY_OFFSET + 1569],
  [KYBER_PREKEY_OFFSET + 1569 + 2, KYBER_PREKEY_OFFSET + 1569 + 2 + 64],
  [KYBER_PREKEY_OFFSET + 1569 + 2 + 64 + 2, KYBER_PREKEY_OFFSET + 1569 + 2 + 64 + 2 + 33],
];

function withByte(bytes: Uint8Array, index: number, value: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index] = value;
  return copy;
}

describe('parsePreKeyBundle', () => {
  it('gives back the bundle it was serialized from, byte for byte', () => {
    const bundle = parsePreKeyBundle(valid);
    expect(serializePreKeyBundle(bundle)).toEqual(valid);
    expect(bundle.deviceId()).toBe(1);
    expect(bundle.preKeyId()).toBe(1);
    expect(valid.length).toBeLessThan(MAX_BUNDLE_BYTES);
  });

  it('names each defect', () => {
    expect(problemOf(new Uint8Array(MAX_BUNDLE_BYTES + 1))).toBe('too-large');
    expect(problemOf(new Uint8Array(0))).toBe('truncated');
    expect(problemOf(withByte(valid, 0, 2))).toBe('version');
    expect(problemOf(Uint8Array.of(...valid, 0))).toBe('trailing');
    // The prekey's u16 length claims 34 bytes.
    expect(problemOf(withByte(valid, 10, 34))).toBe('length');
    // A signed prekey whose type byte is unknown cannot be signed by anyone, so the signature check fails first.
    expect(problemOf(withByte(valid, SIGNED_PREKEY_OFFSET, 0x42))).toBe('signature');
    expect(problemOf(withByte(valid, SIGNED_PREKEY_SIGNATURE_OFFSET + 7, valid[SIGNED_PREKEY_SIGNATURE_OFFSET + 7]! ^ 1))).toBe('signature');
    expect(problemOf(withByte(valid, KYBER_PREKEY_OFFSET + 100, valid[KYBER_PREKEY_OFFSET + 100]! ^ 1))).toBe('signature');
    // The one-time prekey is not signed (as in Signal); a bad key type is still refused as a key.
    expect(problemOf(withByte(valid, 11, 0x42))).toBe('key');
    expect(problemOf(withByte(valid, valid.length - 33, 0x42))).toBe('key');
  });

  it('refuses every strict prefix as truncated', () => {
    for (let length = 0; length < valid.length; length++) {
      expect(problemOf(valid.subarray(0, length)), `prefix of ${length} bytes`).toBe('truncated');
    }
  });

  it('random bytes give a BundleFormatError and nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        expect(problemOf(bytes)).not.toBe('accepted');
      }),
    );
  });

  it('random bytes behind a valid version byte give a BundleFormatError and nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        expect(problemOf(Uint8Array.of(1, ...bytes))).not.toBe('accepted');
      }),
    );
  });

  it('a mutated bundle either parses or gives a BundleFormatError, and signed parts never survive a change', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ index: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        (mutations) => {
          let bytes = valid;
          for (const { index, value } of mutations) bytes = withByte(bytes, index % valid.length, value);
          const outcome = problemOf(bytes);
          const signedChanged = bytes.some((byte, i) => byte !== valid[i] && SIGNED_RANGES.some(([from, to]) => i >= from && i < to));
          if (signedChanged) expect(outcome).not.toBe('accepted');
        },
      ),
      { numRuns: 1000 },
    );
  });
});
