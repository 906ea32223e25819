// The stored trust record of a peer's Signal identity: the trusted key, its status, and a changed key awaiting approval.
import { ByteReader, ByteWriter } from './byte-codec.js';
import { SignalRecordError } from './errors.js';

/**
 * - `trusted`: first key seen for the address, bound to it by the peer's onion signature;
 * - `verified`: the user compared safety numbers;
 * - `changed`: the peer presented another bound key, kept in `pendingKey` until the user accepts it.
 */
export type IdentityStatus = 'trusted' | 'verified' | 'changed';

/** Keys are serialized libsignal public keys. */
export type IdentityRecord =
  | { status: 'trusted' | 'verified'; trustedKey: Uint8Array }
  | { status: 'changed'; trustedKey: Uint8Array; pendingKey: Uint8Array };

const FORMAT_VERSION = 1;
const STATUS_CODES: Record<IdentityStatus, number> = { trusted: 1, verified: 2, changed: 3 };
const MAX_KEY_LENGTH = 256;

export function encodeIdentityRecord(record: IdentityRecord): Uint8Array {
  const writer = new ByteWriter().u8(FORMAT_VERSION).u8(STATUS_CODES[record.status]).sized(record.trustedKey);
  if (record.status === 'changed') writer.sized(record.pendingKey);
  return writer.bytes();
}

/** Throws {@link SignalRecordError} naming the peer when the stored bytes are not a record we wrote. */
export function decodeIdentityRecord(peerAddress: string, bytes: Uint8Array): IdentityRecord {
  const damaged = (): SignalRecordError => new SignalRecordError('identity', peerAddress);
  const reader = new ByteReader(bytes, damaged);
  if (reader.u8() !== FORMAT_VERSION) throw damaged();
  const code = reader.u8();
  const status = (Object.keys(STATUS_CODES) as IdentityStatus[]).find((name) => STATUS_CODES[name] === code);
  if (status === undefined) throw damaged();
  const trustedKey = reader.sized(MAX_KEY_LENGTH, damaged);
  const record: IdentityRecord =
    status === 'changed' ? { status, trustedKey, pendingKey: reader.sized(MAX_KEY_LENGTH, damaged) } : { status, trustedKey };
  if (reader.remaining !== 0) throw damaged();
  return record;
}
