// Tor v3 onion addresses (rend-spec-v3 [ONIONADDRESS]): encode a public key, parse and validate what a person typed.
import { base16, base32 } from '@scure/base';
import { OnionAddressError, OnionKeyError } from './errors.js';
import { sha3_256 } from './sha3-256.js';

declare const onionAddressBrand: unique symbol;

/** A valid v3 onion address in canonical form: 56 lowercase base32 characters, no `.onion`. */
export type OnionAddress = string & { readonly [onionAddressBrand]: true };

export interface ParsedOnionAddress {
  readonly address: OnionAddress;
  /** The service's ed25519 identity public key (KP_hs_id), 32 bytes. */
  readonly publicKey: Uint8Array;
}

export const ONION_ADDRESS_LENGTH = 56;
const PUBLIC_KEY_LENGTH = 32;
const CHECKSUM_LENGTH = 2;
const VERSION = 3;
const V2_ADDRESS_LENGTH = 16;
const SUFFIX = '.onion';
const CHECKSUM_PREFIX = new TextEncoder().encode('.onion checksum');
// Both cases are typed by people; tested per character, never after toLowerCase(), which would let look-alikes
// such as the Kelvin sign U+212A pass as 'k'.
const BASE32_CHARACTER = /^[a-zA-Z2-7]$/;
const CANONICAL = /^[a-z2-7]{56}$/;

/**
 * Encodings of the eight small-order ed25519 points (plus non-canonical y ≥ p forms), compared with the sign bit
 * cleared, as libsodium's blocklist does. No one holds a secret key for these, yet some verifiers accept forged
 * signatures under them, so they must never name a contact. Other invalid points are not rejected here (that needs
 * curve arithmetic not available here): no signature verifies under a point off the curve, so such an
 * address can never pass the handshake, and a key with a torsion component still has a single owner.
 */
const SMALL_ORDER_KEYS = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((hex) => base16.decode(hex.toUpperCase()));

/** The onion address of an ed25519 public key: base32(PUBKEY ‖ CHECKSUM ‖ VERSION), lowercase, without `.onion`. */
export function encodeOnionAddress(publicKey: Uint8Array): OnionAddress {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) throw new OnionKeyError('public-key-length', publicKey.length);
  const bytes = new Uint8Array(PUBLIC_KEY_LENGTH + CHECKSUM_LENGTH + 1);
  bytes.set(publicKey, 0);
  bytes.set(checksum(publicKey, VERSION), PUBLIC_KEY_LENGTH);
  bytes[PUBLIC_KEY_LENGTH + CHECKSUM_LENGTH] = VERSION;
  return base32.encode(bytes).toLowerCase() as OnionAddress;
}

/**
 * Parses an address as a person would type or paste it: surrounding whitespace, any letter case and a trailing
 * `.onion` are accepted. Anything that makes it a link (scheme, port, path, query) is refused rather than stripped,
 * so that a pasted URL never silently becomes a contact. Throws {@link OnionAddressError}.
 */
export function parseOnionAddress(input: string): ParsedOnionAddress {
  const typed = input.trim();
  if (typed === '') throw new OnionAddressError({ reason: 'empty' });
  if (/[/\\:]/.test(typed) || /\.onion[?#]/i.test(typed)) throw new OnionAddressError({ reason: 'url' });

  const hasSuffix = typed.slice(-SUFFIX.length).toLowerCase() === SUFFIX;
  const body = hasSuffix ? typed.slice(0, -SUFFIX.length) : typed;
  const lastDot = body.lastIndexOf('.');
  if (lastDot !== -1) {
    if (hasSuffix) throw new OnionAddressError({ reason: 'subdomain' });
    throw new OnionAddressError({ reason: 'suffix', suffix: body.slice(lastDot + 1) });
  }

  const characters = [...body];
  characters.forEach((character, index) => {
    if (!BASE32_CHARACTER.test(character)) {
      throw new OnionAddressError({ reason: 'alphabet', character, position: index + 1 });
    }
  });
  if (characters.length === V2_ADDRESS_LENGTH) throw new OnionAddressError({ reason: 'version', version: 2 });
  if (characters.length !== ONION_ADDRESS_LENGTH) {
    throw new OnionAddressError({ reason: 'length', length: characters.length });
  }

  const address = body.toLowerCase();
  const bytes = base32.decode(address.toUpperCase());
  const publicKey = bytes.slice(0, PUBLIC_KEY_LENGTH);
  const declaredChecksum = bytes.subarray(PUBLIC_KEY_LENGTH, PUBLIC_KEY_LENGTH + CHECKSUM_LENGTH);
  const version = bytes[PUBLIC_KEY_LENGTH + CHECKSUM_LENGTH] ?? 0;
  // The checksum covers the version byte, so checking it first tells a typo ('checksum') from a genuine
  // address of another version ('version').
  if (!bytesEqual(declaredChecksum, checksum(publicKey, version))) {
    throw new OnionAddressError({ reason: 'checksum' });
  }
  if (version !== VERSION) throw new OnionAddressError({ reason: 'version', version });
  if (isSmallOrderKey(publicKey)) throw new OnionAddressError({ reason: 'key' });
  return { address: address as OnionAddress, publicKey };
}

/** True only for a valid address in canonical form (what {@link encodeOnionAddress} returns); use {@link parseOnionAddress} for typed input. */
export function isOnionAddress(value: unknown): value is OnionAddress {
  if (typeof value !== 'string' || !CANONICAL.test(value)) return false;
  try {
    parseOnionAddress(value);
    return true;
  } catch (error) {
    if (error instanceof OnionAddressError) return false;
    throw error;
  }
}

/** The host name to dial through Tor's SOCKS port. */
export function onionHostname(address: OnionAddress): string {
  return `${address}${SUFFIX}`;
}

/** True for the encodings of small-order points, which no one can own (see {@link SMALL_ORDER_KEYS}). */
export function isSmallOrderKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) return false;
  const unsigned = Uint8Array.from(publicKey);
  unsigned[PUBLIC_KEY_LENGTH - 1] = (unsigned[PUBLIC_KEY_LENGTH - 1] ?? 0) & 0x7f;
  return SMALL_ORDER_KEYS.some((blocked) => bytesEqual(blocked, unsigned));
}

function checksum(publicKey: Uint8Array, version: number): Uint8Array {
  return sha3_256(CHECKSUM_PREFIX, publicKey, Uint8Array.of(version)).subarray(0, CHECKSUM_LENGTH);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
