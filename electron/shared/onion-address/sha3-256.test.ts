// SHA3-256 against FIPS 202 example digests and, for every length around the block boundaries, OpenSSL's.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha3_256 } from './sha3-256.js';

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const openssl = (data: Uint8Array): string => createHash('sha3-256').update(data).digest('hex');

describe('sha3_256', () => {
  it('gives the NIST example digests (FIPS 202 / CSRC "SHA3-256" examples) for "" and "abc"', () => {
    expect(toHex(sha3_256())).toBe('a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a');
    expect(toHex(sha3_256(ascii('abc')))).toBe('3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532');
  });

  it('gives the digest tor\'s src/test/hs_build_address.py checks its SHA3 against, for "Hello World"', () => {
    expect(toHex(sha3_256(ascii('Hello World')))).toBe('e167f68d6563d75bb25f3aa49c29ef612d41352dc00606de7cbd630bb2665f51');
  });

  it('agrees with OpenSSL for every length from 0 to 3 blocks, covering each padding case', () => {
    const data = Uint8Array.from({ length: 3 * 136 + 1 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let length = 0; length <= data.length; length++) {
      expect(toHex(sha3_256(data.subarray(0, length))), `length ${length}`).toBe(openssl(data.subarray(0, length)));
    }
  });

  it('hashes the concatenation of its parts, however they are split', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 150 }), { maxLength: 5 }), (parts) => {
        expect(toHex(sha3_256(...parts))).toBe(openssl(Buffer.concat(parts)));
      }),
    );
  });
});
