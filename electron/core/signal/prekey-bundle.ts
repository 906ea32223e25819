// The wire form of a PQXDH prekey bundle: a versioned length-prefixed encoding, checked field by field on parse.
import { KEMPublicKey, PreKeyBundle, PublicKey } from '@signalapp/libsignal-client';
import { ByteReader, ByteWriter } from './byte-codec.js';
import { BundleFormatError } from './errors.js';

/** Allium profiles have one device; libsignal's device ids start at 1. */
export const DEVICE_ID = 1;

const FORMAT_VERSION = 1;
// Serialized sizes in libsignal 0.103: a type byte plus a Curve25519 key, an XEdDSA signature, a Kyber1024 key.
const MAX_EC_KEY = 33;
const MAX_SIGNATURE = 64;
const MAX_KEM_KEY = 1569;
/** Checked before parsing so a hostile length costs nothing. */
export const MAX_BUNDLE_BYTES = 4096;

/**
 * Layout (big-endian): u8 version ‖ u32 registration id ‖ u32 prekey id ‖ prekey ‖ u32 signed prekey id ‖ signed
 * prekey ‖ its signature ‖ u32 Kyber prekey id ‖ Kyber prekey ‖ its signature ‖ identity key, where every key and
 * signature is a u16 length followed by its bytes.
 */
export function serializePreKeyBundle(bundle: PreKeyBundle): Uint8Array {
  const preKey = bundle.preKeyPublic();
  const preKeyId = bundle.preKeyId();
  // Every bundle we make carries a one-time prekey; this guards the format, which has no "absent" marker.
  if (preKey === null || preKeyId === null) throw new TypeError('An Allium prekey bundle always carries a one-time prekey');
  return new ByteWriter()
    .u8(FORMAT_VERSION)
    .u32(bundle.registrationId())
    .u32(preKeyId)
    .sized(preKey.serialize())
    .u32(bundle.signedPreKeyId())
    .sized(bundle.signedPreKeyPublic().serialize())
    .sized(bundle.signedPreKeySignature())
    .u32(bundle.kyberPreKeyId())
    .sized(bundle.kyberPreKeyPublic().serialize())
    .sized(bundle.kyberPreKeySignature())
    .sized(bundle.identityKey().serialize())
    .bytes();
}

/**
 * Parses and checks a bundle from the network: structure, keys, and both prekey signatures by the bundle's identity
 * key. Any defect is a {@link BundleFormatError}; nothing else escapes.
 */
export function parsePreKeyBundle(bytes: Uint8Array): PreKeyBundle {
  if (bytes.length > MAX_BUNDLE_BYTES) {
    throw new BundleFormatError('too-large', `${bytes.length} bytes; a bundle has at most ${MAX_BUNDLE_BYTES}`);
  }
  const reader = new ByteReader(bytes, () => new BundleFormatError('truncated', 'the bundle ends inside a field'));
  const version = reader.u8();
  if (version !== FORMAT_VERSION) throw new BundleFormatError('version', `version ${version}; only ${FORMAT_VERSION} is known`);
  const sized = (field: string, max: number): Uint8Array<ArrayBuffer> =>
    reader.sized(max, (length) => new BundleFormatError('length', `the ${field} has ${length} bytes; at most ${max}`));
  const registrationId = reader.u32();
  const preKeyId = reader.u32();
  const preKey = sized('prekey', MAX_EC_KEY);
  const signedPreKeyId = reader.u32();
  const signedPreKey = sized('signed prekey', MAX_EC_KEY);
  const signedPreKeySignature = sized('signed prekey signature', MAX_SIGNATURE);
  const kyberPreKeyId = reader.u32();
  const kyberPreKey = sized('Kyber prekey', MAX_KEM_KEY);
  const kyberPreKeySignature = sized('Kyber prekey signature', MAX_SIGNATURE);
  const identityKey = sized('identity key', MAX_EC_KEY);
  if (reader.remaining !== 0) throw new BundleFormatError('trailing', `${reader.remaining} bytes follow the bundle`);

  const identity = decodeKey('identity key', identityKey, (b) => PublicKey.deserialize(b));
  checkSignature(identity, signedPreKey, signedPreKeySignature, 'signed prekey');
  checkSignature(identity, kyberPreKey, kyberPreKeySignature, 'Kyber prekey');
  return PreKeyBundle.new(
    registrationId,
    DEVICE_ID,
    preKeyId,
    decodeKey('prekey', preKey, (b) => PublicKey.deserialize(b)),
    signedPreKeyId,
    decodeKey('signed prekey', signedPreKey, (b) => PublicKey.deserialize(b)),
    signedPreKeySignature,
    identity,
    kyberPreKeyId,
    decodeKey('Kyber prekey', kyberPreKey, (b) => KEMPublicKey.deserialize(b)),
    kyberPreKeySignature,
  );
}

function decodeKey<T>(field: string, bytes: Uint8Array<ArrayBuffer>, deserialize: (bytes: Uint8Array<ArrayBuffer>) => T): T {
  try {
    return deserialize(bytes);
  } catch (error) {
    throw new BundleFormatError('key', `the ${field} is not a valid key`, { cause: error });
  }
}

function checkSignature(identity: PublicKey, key: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>, field: string): void {
  let valid: boolean;
  try {
    valid = identity.verify(key, signature);
  } catch (error) {
    throw new BundleFormatError('signature', `the ${field} signature is malformed`, { cause: error });
  }
  if (!valid) throw new BundleFormatError('signature', `the ${field} is not signed by the bundle's identity key`);
}
