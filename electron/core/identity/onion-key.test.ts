// Onion identity keys against RFC 8032 and tor's ed25519 vectors; signatures; secrets kept out of logs.
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OnionKeyError } from '../../shared/onion-address/errors.js';
import { encodeOnionAddress, parseOnionAddress } from '../../shared/onion-address/onion-address.js';
import { generateOnionKey, onionKeyFromSeed, verifyOnionSignature } from './onion-key.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// RFC 8032 §7.1 TEST 1 (empty message); tor's test_hs_common.c test_build_address gives its address.
const RFC8032_TEST1 = {
  seed: hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'),
  publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signature:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  address: '25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid',
};

// tor, src/test/ed25519_vectors.inc, used by test_crypto.c's ed25519 test-vector test: seeds (ED25519_SECRET_KEYS),
// the 64-byte expanded keys tor derives from them (ED25519_EXPANDED_SECRET_KEYS), the public keys, and each key's
// signature over its own public key (ED25519_SELF_SIGNATURES). The first four of the eight.
const TOR_VECTORS = [
  {
    seed: '26c76712d89d906e6672dafa614c42e5cb1caac8c6568e4d2493087db51f0d36',
    expanded:
      'c0a4de23cc64392d85aa1da82b3defddbea946d13bb053bf8489fa9296281f495022f1f7ec0dcf52f07d4c7965c4eaed121d5d88d0a8ff546b06116a20e97755',
    publicKey: 'c2247870536a192d142d056abefca68d6193158e7c1a59c1654c954eccaff894',
    selfSignature:
      'd23188eac3773a316d46006fa59c095060be8b1a23582a0dd99002a82a0662bd246d8449e172e04c5f46ac0d1404cebe4aabd8a75a1457aa06cae41f3334f104',
  },
  {
    seed: 'fba7a5366b5cb98c2667a18783f5cf8f4f8d1a2ce939ad22a6e685edde85128d',
    expanded:
      '18a8a69a06790dac778e882f7e868baacfa12521a5c058f5194f3a729184514a2a656fe7799c3e41f43d756da8d9cd47a061316cfe6147e23ea2f90d1ca45f30',
    publicKey: '1519a3b15816a1aafab0b213892026ebf5c0dc232c58b21088d88cb90e9b940d',
    selfSignature:
      '3a785ac1201c97ee5f6f0d99323960d5f264c7825e61aa7cc81262f15bef75eb4fa5723add9b9d45b12311b6d403eb3ac79ff8e4e631fc3cd51e4ad2185b200b',
  },
  {
    seed: '67e3aa7a14fac8445d15e45e38a523481a69ae35513c9e4143eb1c2196729a0e',
    expanded:
      '58d84f8862d2ecfa30eb491a81c36d05b574310ea69dae18ecb57e992a896656b982187ee96c15bf4caeeab2d0b0ae4cd0b8d17470fc7efa98bb26428f4ef36d',
    publicKey: '081faa81992e360ea22c06af1aba096e7a73f1c665bc8b3e4e531c46455fd1dd',
    selfSignature:
      'cf431fd0416bfbd20c9d95ef9b723e2acddffb33900edc72195dea95965d52d888d30b7b8a677c0bd8ae1417b1e1a0ec6700deadd5d8b54b6689275e04a04509',
  },
  {
    seed: 'd51385942033a76dc17f089a59e6a5a7fe80d9c526ae8ddd8c3a506b99d3d0a6',
    expanded:
      '50702d20b3550c6e16033db5ad4fba16436f1ecc7485be6af62b0732ceb5d173c47ccd9d044b6ea99dd99256adcc9c62191be194e7cb1a5b58ddcec85d876a2b',
    publicKey: '73cfa1189a723aad7966137cbffa35140bb40d7e16eae4c40b79b5f0360dd65a',
    selfSignature:
      '2375380cd72d1a6c642aeddff862be8a5804b916acb72c02d9ed052c1561881aa658a5af856fcd6d43113e42f698cd6687c99efeef7f2ce045824440d26c5d00',
  },
];

describe('onionKeyFromSeed', () => {
  it('derives RFC 8032 TEST 1: public key, signature of the empty message, and tor\'s address for it', () => {
    const key = onionKeyFromSeed(RFC8032_TEST1.seed);
    expect(toHex(key.publicKey)).toBe(RFC8032_TEST1.publicKey);
    expect(key.address).toBe(RFC8032_TEST1.address);
    expect(toHex(key.sign(new Uint8Array(0)))).toBe(RFC8032_TEST1.signature);
    expect(verifyOnionSignature(RFC8032_TEST1.address, new Uint8Array(0), hex(RFC8032_TEST1.signature))).toBe(true);
  });

  it.each(TOR_VECTORS.map((vector, index) => [index, vector] as const))(
    'matches tor ed25519_vectors.inc #%i: public key, expanded secret key, self-signature',
    (_index, vector) => {
      const key = onionKeyFromSeed(hex(vector.seed));
      expect(toHex(key.seed)).toBe(vector.seed);
      expect(toHex(key.publicKey)).toBe(vector.publicKey);
      expect(toHex(key.expandedSecretKey())).toBe(vector.expanded);
      expect(toHex(key.sign(key.publicKey))).toBe(vector.selfSignature);
      expect(verifyOnionSignature(key.publicKey, key.publicKey, hex(vector.selfSignature))).toBe(true);
      expect(key.address).toBe(encodeOnionAddress(hex(vector.publicKey)));
    },
  );

  it('refuses a seed that is not 32 bytes', () => {
    expect(() => onionKeyFromSeed(new Uint8Array(31))).toThrow(OnionKeyError);
    expect(() => onionKeyFromSeed(new Uint8Array(64))).toThrow('An ed25519 seed has 32 bytes; got 64');
  });

  it('copies the seed it is given and the bytes it hands out', () => {
    const seed = Uint8Array.from(RFC8032_TEST1.seed);
    const key = onionKeyFromSeed(seed);
    seed.fill(0);
    key.seed.fill(0);
    key.publicKey.fill(0);
    expect(key.seed).toEqual(RFC8032_TEST1.seed);
    expect(toHex(key.publicKey)).toBe(RFC8032_TEST1.publicKey);
  });
});

describe('torAddOnionKeyBlob', () => {
  it('is ED25519-V3: and the base64 of the 64-byte expanded key, as ADD_ONION takes it', () => {
    const key = onionKeyFromSeed(hex(TOR_VECTORS[0]!.seed));
    const blob = key.torAddOnionKeyBlob();
    expect(blob).toMatch(/^ED25519-V3:[A-Za-z0-9+/]{86}==$/);
    expect(toHex(Buffer.from(blob.slice('ED25519-V3:'.length), 'base64'))).toBe(TOR_VECTORS[0]!.expanded);
  });

  it('carries a clamped scalar for any key', () => {
    const expanded = generateOnionKey().expandedSecretKey();
    expect(expanded).toHaveLength(64);
    expect(expanded[0]! & 7).toBe(0);
    expect(expanded[31]! & 0xc0).toBe(0x40);
  });
});

describe('generateOnionKey', () => {
  it('makes distinct keys whose seed restores the same identity and whose address parses to its key', () => {
    const key = generateOnionKey();
    expect(generateOnionKey().address).not.toBe(key.address);
    expect(onionKeyFromSeed(key.seed).address).toBe(key.address);
    expect(parseOnionAddress(key.address).publicKey).toEqual(key.publicKey);
  });
});

describe('verifyOnionSignature', () => {
  const key = onionKeyFromSeed(RFC8032_TEST1.seed);
  const message = new TextEncoder().encode('allium-auth-v1 example');
  const signature = key.sign(message);

  it('accepts the signer named by address in any typed form, or by public key', () => {
    expect(verifyOnionSignature(key.address, message, signature)).toBe(true);
    expect(verifyOnionSignature(` ${key.address.toUpperCase()}.onion`, message, signature)).toBe(true);
    expect(verifyOnionSignature(key.publicKey, message, signature)).toBe(true);
  });

  it('is false for another message, another signer or a changed signature', () => {
    expect(verifyOnionSignature(key.address, new TextEncoder().encode('allium-auth-v1 other'), signature)).toBe(false);
    expect(verifyOnionSignature(generateOnionKey().address, message, signature)).toBe(false);
    const changed = Uint8Array.from(signature);
    changed[10] = changed[10]! ^ 1;
    expect(verifyOnionSignature(key.address, message, changed)).toBe(false);
  });

  it('is false, not an exception, for malformed signers and signatures', () => {
    expect(verifyOnionSignature(key.address, message, signature.subarray(0, 63))).toBe(false);
    expect(verifyOnionSignature(key.address, message, new Uint8Array(0))).toBe(false);
    expect(verifyOnionSignature(key.address, message, new Uint8Array(65))).toBe(false);
    expect(verifyOnionSignature('not an address', message, signature)).toBe(false);
    expect(verifyOnionSignature(key.publicKey.subarray(0, 31), message, signature)).toBe(false);
    expect(verifyOnionSignature(new Uint8Array(32), message, new Uint8Array(64))).toBe(false);
  });

  it('never throws on arbitrary keys and signatures', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 40 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ minLength: 60, maxLength: 68 }),
        (publicKey, data, bytes) => {
          expect(verifyOnionSignature(publicKey, data, bytes)).toBe(false);
        },
      ),
    );
  });
});

describe('secrets stay out of logs', () => {
  const key = onionKeyFromSeed(hex(TOR_VECTORS[1]!.seed));

  function leaks(text: string, secret: Uint8Array): boolean {
    // util.inspect wraps byte arrays over lines, so compare with all whitespace removed.
    const compact = text.replace(/\s+/g, '');
    const forms = [
      toHex(secret).slice(0, 32),
      Buffer.from(secret).toString('base64').slice(0, 24),
      Buffer.from(secret).toString('base64url').slice(0, 24),
      Array.from(secret.subarray(0, 8)).join(','),
    ];
    return forms.some((form) => compact.includes(form));
  }

  function expectNoSecret(text: string): void {
    expect(text).toContain(key.address);
    expect(leaks(text, key.seed)).toBe(false);
    expect(leaks(text, key.expandedSecretKey())).toBe(false);
  }

  it('JSON.stringify shows only the address', () => {
    expect(JSON.stringify(key)).toBe(`{"address":"${key.address}"}`);
    expectNoSecret(JSON.stringify({ profile: { key } }));
  });

  it('util.inspect and console formatting show only the address, even nested and with hidden fields', () => {
    expect(inspect(key)).toBe(`OnionKey(${key.address})`);
    expectNoSecret(inspect({ profile: { key } }, { depth: 10, showHidden: true }));
    expectNoSecret(inspect([key], { customInspect: true }));
  });

  it('String() and string concatenation show only the address', () => {
    expect(String(key)).toBe(`OnionKey(${key.address})`);
    expectNoSecret('key: ' + String(key));
  });

  it('has no enumerable fields to spread', () => {
    expect(Object.keys(key)).toEqual([]);
    expect(JSON.stringify({ ...key })).toBe('{}');
  });

  it('the leak check itself finds a secret that is printed', () => {
    expect(leaks(inspect({ seed: key.seed }), key.seed)).toBe(true);
    expect(leaks(JSON.stringify({ seed: toHex(key.seed) }), key.seed)).toBe(true);
  });
});
