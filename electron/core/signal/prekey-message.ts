// The body of a `prekey` Signal frame: the sender's identity key and its onion binding, then libsignal's PreKeySignalMessage.
import { ByteReader, ByteWriter } from './byte-codec.js';
import { DecryptionError } from './errors.js';

const FORMAT_VERSION = 1;
const MAX_IDENTITY_KEY = 33;
const BINDING_LENGTH = 64;

/**
 * The first messages of a session can arrive with no contact request before them (e.g. from a relay mailbox), so
 * each carries what the receiver needs to check the sender's Signal key against the sender's onion address.
 */
export interface PreKeyEnvelope {
  identityKey: Uint8Array<ArrayBuffer>;
  binding: Uint8Array<ArrayBuffer>;
  message: Uint8Array<ArrayBuffer>;
}

/** Layout: u8 version ‖ u16 length ‖ identity key ‖ 64-byte binding ‖ PreKeySignalMessage. */
export function encodePreKeyEnvelope(envelope: PreKeyEnvelope): Uint8Array {
  return new ByteWriter()
    .u8(FORMAT_VERSION)
    .sized(envelope.identityKey)
    .raw(envelope.binding)
    .raw(envelope.message)
    .bytes();
}

/** Throws {@link DecryptionError} (`malformed`) naming the peer for anything that is not an envelope we would write. */
export function decodePreKeyEnvelope(peerAddress: string, bytes: Uint8Array): PreKeyEnvelope {
  const malformed = (): DecryptionError => new DecryptionError(peerAddress, 'malformed');
  const reader = new ByteReader(bytes, malformed);
  if (reader.u8() !== FORMAT_VERSION) throw malformed();
  const identityKey = reader.sized(MAX_IDENTITY_KEY, malformed);
  const binding = reader.raw(BINDING_LENGTH);
  const message = reader.rest();
  if (message.length === 0) throw malformed();
  return { identityKey, binding, message };
}
