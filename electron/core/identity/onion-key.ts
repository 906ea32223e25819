// A profile's ed25519 onion identity key: its address, signatures, and the expanded form tor's ADD_ONION takes.
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { OnionAddressError, OnionKeyError } from '../../shared/onion-address/errors.js';
import { encodeOnionAddress, isSmallOrderKey, parseOnionAddress, type OnionAddress } from '../../shared/onion-address/onion-address.js';

const SEED_LENGTH = 32;
const PUBLIC_KEY_LENGTH = 32;
// DER headers that wrap a raw ed25519 seed (PKCS #8) or public key (SPKI) so node:crypto can import it.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An onion identity key pair. Its secrets never appear in `String()`, `JSON.stringify` or `util.inspect`. */
export class OnionKey {
  readonly #seed: Uint8Array;
  readonly #privateKey: KeyObject;
  readonly #publicKey: Uint8Array;
  readonly #address: OnionAddress;

  /** Use {@link generateOnionKey} or {@link onionKeyFromSeed}. */
  constructor(seed: Uint8Array) {
    if (seed.length !== SEED_LENGTH) throw new OnionKeyError('seed-length', seed.length);
    this.#seed = Uint8Array.from(seed);
    this.#privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const jwk = createPublicKey(this.#privateKey).export({ format: 'jwk' });
    this.#publicKey = Uint8Array.from(Buffer.from(jwk.x ?? '', 'base64url'));
    this.#address = encodeOnionAddress(this.#publicKey);
  }

  /** The 32-byte secret seed (RFC 8032 private key): what the store keeps, encrypted. A copy. */
  get seed(): Uint8Array {
    return Uint8Array.from(this.#seed);
  }

  /** The 32-byte ed25519 public key (KP_hs_id). A copy. */
  get publicKey(): Uint8Array {
    return Uint8Array.from(this.#publicKey);
  }

  get address(): OnionAddress {
    return this.#address;
  }

  /**
   * The 64-byte expanded secret key tor stores for v3 services: SHA-512(seed) with its first half clamped into
   * the signing scalar and its second half kept as the nonce prefix (RFC 8032 §5.1.5).
   */
  expandedSecretKey(): Uint8Array {
    const expanded = Uint8Array.from(createHash('sha512').update(this.#seed).digest());
    expanded[0] = (expanded[0] ?? 0) & 248;
    expanded[31] = ((expanded[31] ?? 0) & 63) | 64;
    return expanded;
  }

  /** The key argument of tor's control command `ADD_ONION`: `ED25519-V3:<base64 of the expanded key>`. */
  torAddOnionKeyBlob(): string {
    return `ED25519-V3:${Buffer.from(this.expandedSecretKey()).toString('base64')}`;
  }

  /** A 64-byte ed25519 signature over `message`. */
  sign(message: Uint8Array): Uint8Array {
    return Uint8Array.from(sign(null, message, this.#privateKey));
  }

  toString(): string {
    return `OnionKey(${this.#address})`;
  }

  toJSON(): { address: OnionAddress } {
    return { address: this.#address };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** A fresh random onion identity. */
export function generateOnionKey(): OnionKey {
  return new OnionKey(randomBytes(SEED_LENGTH));
}

/** The onion identity held by a stored 32-byte seed. Throws {@link OnionKeyError} for another length. */
export function onionKeyFromSeed(seed: Uint8Array): OnionKey {
  return new OnionKey(seed);
}

/**
 * Whether `signature` is a valid ed25519 signature of `message` by the owner of `signer` (an onion address in any
 * form {@link parseOnionAddress} accepts, or a 32-byte public key). Returns false, never throws, for a malformed
 * signer or signature: whatever arrives from the network cannot make the caller crash.
 */
export function verifyOnionSignature(signer: string | Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const publicKey = signerPublicKey(signer);
  if (publicKey === undefined) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
    return verify(null, message, key, signature);
  } catch {
    // Node's OpenSSL answers false for every malformed key and signature tried; this keeps the promise not to
    // throw on other back ends (Electron builds Node on BoringSSL).
    return false;
  }
}

function signerPublicKey(signer: string | Uint8Array): Uint8Array | undefined {
  if (typeof signer !== 'string') {
    return signer.length === PUBLIC_KEY_LENGTH && !isSmallOrderKey(signer) ? signer : undefined;
  }
  try {
    return parseOnionAddress(signer).publicKey;
  } catch (error) {
    if (error instanceof OnionAddressError) return undefined;
    throw error;
  }
}
