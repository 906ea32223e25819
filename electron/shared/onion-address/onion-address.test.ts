// Onion address encoding and parsing against tor's and rend-spec-v3's published vectors, every refusal, and properties.
import { createHash } from 'node:crypto';
import { base32 } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OnionAddressError, OnionKeyError, type OnionAddressProblem } from './errors.js';
import { encodeOnionAddress, isOnionAddress, isSmallOrderKey, onionHostname, parseOnionAddress } from './onion-address.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

// tor, src/test/test_hs_common.c, test_build_address (made with src/test/hs_build_address.py): the public key is
// the one of RFC 8032 §7.1 TEST 1.
const TOR_PUBLIC_KEY = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
const TOR_ADDRESS = '25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid';

// rend-spec-v3 §6 "Encoding onion addresses [ONIONADDRESS]" (spec.torproject.org/rend-spec/encoding-onion-addresses.html).
const REND_SPEC_EXAMPLES = [
  'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd',
  'sp3k262uwy4r2k3ycr5awluarykdpag6a7y33jxop4cs2lu5uz5sseqd',
  'xa4r2iadxm55fbnqgwwi5mymqdcofiu3w6rpbtqn7b2dyn7mgwj64jyd',
];

// tor, src/test/test_hs_common.c, test_validate_address: "Invalid checksum (taken from prop224)" and the next one.
const TOR_BAD_CHECKSUMS = [
  'l5satjgud6gucryazcyvyvhuxhr74u6ygigiuyixe3a6ysis67ororad',
  'btojiu7nu5y5iwut64eufevogqdw4wmqzugnoluw232r4t3ecsfv37ad',
];

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function problemOf(input: string): OnionAddressProblem {
  try {
    parseOnionAddress(input);
  } catch (error) {
    if (error instanceof OnionAddressError) return error.problem;
    throw error;
  }
  throw new Error(`${input} was accepted`);
}

function messageOf(input: string): string {
  try {
    parseOnionAddress(input);
  } catch (error) {
    if (error instanceof OnionAddressError) return error.message;
    throw error;
  }
  throw new Error(`${input} was accepted`);
}

/** An address with a correct checksum for any version byte, as a future version's address would be. */
function addressWithVersion(publicKey: Uint8Array, version: number): string {
  const digest = createHash('sha3-256').update('.onion checksum').update(publicKey).update(Uint8Array.of(version)).digest();
  return base32.encode(Uint8Array.from([...publicKey, ...digest.subarray(0, 2), version])).toLowerCase();
}

describe('encodeOnionAddress', () => {
  it('gives tor test_build_address the address tor builds for the RFC 8032 TEST 1 key', () => {
    expect(encodeOnionAddress(TOR_PUBLIC_KEY)).toBe(TOR_ADDRESS);
  });

  it('re-encodes the rend-spec-v3 example addresses from their own keys', () => {
    for (const address of REND_SPEC_EXAMPLES) {
      expect(encodeOnionAddress(parseOnionAddress(address).publicKey)).toBe(address);
    }
  });

  it('refuses a public key that is not 32 bytes, as a programming error', () => {
    expect(() => encodeOnionAddress(new Uint8Array(31))).toThrow(OnionKeyError);
    expect(() => encodeOnionAddress(new Uint8Array(33))).toThrow('An ed25519 public key has 32 bytes; got 33');
  });
});

describe('parseOnionAddress accepts', () => {
  it('tor test_validate_address\'s valid address and yields its key', () => {
    const parsed = parseOnionAddress(TOR_ADDRESS);
    expect(parsed.address).toBe(TOR_ADDRESS);
    expect(parsed.publicKey).toEqual(TOR_PUBLIC_KEY);
  });

  it('the rend-spec-v3 examples, with the .onion they are printed with', () => {
    for (const address of REND_SPEC_EXAMPLES) expect(parseOnionAddress(`${address}.onion`).address).toBe(address);
  });

  it('what people paste: surrounding whitespace, any case, .onion in any case', () => {
    for (const typed of [
      `  ${TOR_ADDRESS}\n`,
      TOR_ADDRESS.toUpperCase(),
      `${TOR_ADDRESS}.onion`,
      `\t${TOR_ADDRESS.toUpperCase()}.ONION `,
      `${TOR_ADDRESS.slice(0, 20).toUpperCase()}${TOR_ADDRESS.slice(20)}.Onion`,
    ]) {
      expect(parseOnionAddress(typed).address).toBe(TOR_ADDRESS);
    }
  });
});

describe('parseOnionAddress refuses, saying why', () => {
  it('empty: nothing, or only whitespace', () => {
    expect(problemOf('')).toEqual({ reason: 'empty' });
    expect(messageOf(' \n\t ')).toBe(
      'No address was given; an onion address has 56 characters (letters a–z and digits 2–7), optionally followed by .onion',
    );
  });

  it('url: a scheme, port, path or query is refused rather than silently stripped', () => {
    for (const link of [
      `http://${TOR_ADDRESS}.onion`,
      `${TOR_ADDRESS}.onion/`,
      `${TOR_ADDRESS}.onion:80`,
      `${TOR_ADDRESS}.onion?x=1`,
      `${TOR_ADDRESS}.onion#top`,
      `\\\\${TOR_ADDRESS}.onion`,
    ]) {
      expect(problemOf(link)).toEqual({ reason: 'url' });
    }
    expect(messageOf(`https://${TOR_ADDRESS}.onion/`)).toBe(
      'This looks like a link, not an address; enter only the 56-character onion address (optionally followed by .onion), without http://, a port or a path',
    );
  });

  it('suffix: a domain that is not .onion', () => {
    expect(problemOf(`${TOR_ADDRESS}.com`)).toEqual({ reason: 'suffix', suffix: 'com' });
    expect(messageOf('example.org')).toBe("The address ends in '.org'; onion addresses end in .onion");
  });

  it('subdomain: tor would accept it for a web site, but an identity is the bare address', () => {
    expect(problemOf(`www.${TOR_ADDRESS}.onion`)).toEqual({ reason: 'subdomain' });
    expect(messageOf(`www.${TOR_ADDRESS}.onion`)).toBe(
      'The address has a subdomain; enter only the 56 characters just before .onion',
    );
  });

  it('alphabet: names the first character outside a–z 2–7 and its position, counting from 1', () => {
    const typo = `${TOR_ADDRESS.slice(0, 6)}1${TOR_ADDRESS.slice(7)}`;
    expect(problemOf(typo)).toEqual({ reason: 'alphabet', character: '1', position: 7 });
    expect(messageOf(typo)).toBe(
      "Character '1' at position 7 cannot appear in an onion address (letters a–z and digits 2–7 only)",
    );
    // tor test_validate_address: "Non base32 decodable string".
    expect(problemOf('?'.repeat(56))).toEqual({ reason: 'alphabet', character: '?', position: 1 });
    expect(problemOf(`${TOR_ADDRESS.slice(0, 10)} ${TOR_ADDRESS.slice(10)}`)).toEqual({
      reason: 'alphabet',
      character: ' ',
      position: 11,
    });
  });

  it('alphabet: look-alikes that lower-case to a base32 letter are not letters', () => {
    const kelvin = `\u212a${TOR_ADDRESS.slice(1)}`; // KELVIN SIGN, whose toLowerCase() is 'k'
    expect(problemOf(kelvin)).toEqual({ reason: 'alphabet', character: '\u212a', position: 1 });
    expect(problemOf(`${TOR_ADDRESS.slice(0, 3)}😀${TOR_ADDRESS.slice(4)}`)).toEqual({
      reason: 'alphabet',
      character: '😀',
      position: 4,
    });
  });

  it('length: too short or too long, as in tor test_validate_address', () => {
    expect(problemOf('blah')).toEqual({ reason: 'length', length: 4 });
    expect(problemOf('p3xnclpu4mu22dwaurjtsybyqk4xfjmcfz6z62yl24uwmhjatiwnlnadb')).toEqual({ reason: 'length', length: 57 });
    expect(messageOf(TOR_ADDRESS.slice(0, 55))).toBe(
      'The address has 55 characters; an onion address has 56 (plus optional .onion)',
    );
    expect(messageOf('a.onion')).toBe('The address has 1 character; an onion address has 56 (plus optional .onion)');
  });

  it('version: a 16-character version 2 address', () => {
    // The former v2 address of www.torproject.org.
    expect(problemOf('expyuzz4wqqyqhjn.onion')).toEqual({ reason: 'version', version: 2 });
    expect(messageOf('expyuzz4wqqyqhjn.onion')).toBe(
      'This is a version 2 onion address; only version 3 addresses are supported',
    );
  });

  it('version: a well-formed address declaring another version byte', () => {
    const v4 = addressWithVersion(TOR_PUBLIC_KEY, 4);
    expect(problemOf(v4)).toEqual({ reason: 'version', version: 4 });
    expect(messageOf(v4)).toBe('This is a version 4 onion address; only version 3 addresses are supported');
    // The helper is right: with version 3 it rebuilds tor's address.
    expect(addressWithVersion(TOR_PUBLIC_KEY, 3)).toBe(TOR_ADDRESS);
  });

  it('checksum: tor test_validate_address\'s invalid-checksum vectors', () => {
    for (const address of TOR_BAD_CHECKSUMS) expect(problemOf(address)).toEqual({ reason: 'checksum' });
    expect(messageOf(TOR_BAD_CHECKSUMS[0]!)).toBe('The checksum does not match: probably a typo in the address');
  });

  it('key: the small-order points, e.g. the all-zero key and the identity, even with the sign bit set', () => {
    const zero = new Uint8Array(32);
    const identity = Uint8Array.of(1, ...new Uint8Array(31));
    const orderEight = hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
    const orderEightNegated = Uint8Array.from(orderEight);
    orderEightNegated[31] = orderEightNegated[31]! | 0x80;
    for (const key of [zero, identity, orderEight, orderEightNegated]) {
      expect(problemOf(encodeOnionAddress(key))).toEqual({ reason: 'key' });
    }
    expect(messageOf(encodeOnionAddress(zero))).toBe(
      'This address is well formed but holds a degenerate key that nobody can own; it cannot be a real onion service',
    );
    expect(isSmallOrderKey(TOR_PUBLIC_KEY)).toBe(false);
  });

  it('every single-character substitution in the published addresses', () => {
    // Exhaustive over fixed addresses rather than random keys: the checksum is 16 bits, so for a random key
    // about one substitution in 65,536 lands on another valid address, and a random test would be flaky.
    for (const address of [TOR_ADDRESS, ...REND_SPEC_EXAMPLES]) {
      for (let index = 0; index < address.length; index++) {
        for (const replacement of BASE32_ALPHABET) {
          if (replacement === address[index]) continue;
          const typo = address.slice(0, index) + replacement + address.slice(index + 1);
          expect(() => parseOnionAddress(typo), typo).toThrow(OnionAddressError);
        }
      }
    }
  });
});

describe('properties', () => {
  const publicKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((key) => !isSmallOrderKey(key));

  it('encode then parse gives back the key, however the address is dressed', () => {
    fc.assert(
      fc.property(publicKey, fc.boolean(), fc.boolean(), (key, upper, suffix) => {
        const address = encodeOnionAddress(key);
        expect(address).toMatch(/^[a-z2-7]{56}$/);
        const typed = ` ${upper ? address.toUpperCase() : address}${suffix ? '.onion' : ''} `;
        const parsed = parseOnionAddress(typed);
        expect(parsed.address).toBe(address);
        expect(parsed.publicKey).toEqual(key);
        expect(isOnionAddress(address)).toBe(true);
      }),
    );
  });

  it('any string is either an address or an OnionAddressError with a message, never another exception', () => {
    const base32ish = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz234567ABC01. '), maxLength: 70 });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), base32ish), (input) => {
        try {
          expect(parseOnionAddress(input).address).toMatch(/^[a-z2-7]{56}$/);
        } catch (error) {
          expect(error).toBeInstanceOf(OnionAddressError);
          expect((error as OnionAddressError).message.length).toBeGreaterThan(20);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('isOnionAddress', () => {
  it('is true only for valid canonical addresses', () => {
    expect(isOnionAddress(TOR_ADDRESS)).toBe(true);
    for (const value of [
      TOR_ADDRESS.toUpperCase(),
      `${TOR_ADDRESS}.onion`,
      ` ${TOR_ADDRESS}`,
      TOR_BAD_CHECKSUMS[0],
      encodeOnionAddress(new Uint8Array(32)),
      '',
      56,
      undefined,
    ]) {
      expect(isOnionAddress(value)).toBe(false);
    }
  });
});

describe('onionHostname', () => {
  it('appends .onion for dialling through SOCKS', () => {
    expect(onionHostname(parseOnionAddress(TOR_ADDRESS).address)).toBe(`${TOR_ADDRESS}.onion`);
  });
});
