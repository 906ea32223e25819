// This profile's Signal identity: an identity key pair and registration id made once, then loaded from the store.
import { randomInt } from 'node:crypto';
import { IdentityKeyPair } from '@signalapp/libsignal-client';
import { SignalRecordError } from './errors.js';
import type { SignalRecordStore } from './record-store.js';

export interface LocalSignalIdentity {
  readonly identityKeyPair: IdentityKeyPair;
  /** Signal's 14-bit registration id; it lets a peer notice a reinstall behind the same address. */
  readonly registrationId: number;
}

const KEY_PAIR = 'identity-key-pair';
const REGISTRATION_ID = 'registration-id';
const MAX_REGISTRATION_ID = 0x3fff;

/** Loads the profile's Signal identity, creating and storing it on first use. */
export async function loadOrCreateLocalIdentity(records: SignalRecordStore): Promise<LocalSignalIdentity> {
  const storedPair = await records.get('local', KEY_PAIR);
  const storedId = await records.get('local', REGISTRATION_ID);
  if (storedPair === undefined && storedId === undefined) {
    const identity = { identityKeyPair: IdentityKeyPair.generate(), registrationId: randomInt(1, MAX_REGISTRATION_ID + 1) };
    // The id first: a crash between the two writes leaves no key pair, so the next start makes a fresh pair.
    await records.put('local', REGISTRATION_ID, encodeRegistrationId(identity.registrationId));
    await records.put('local', KEY_PAIR, identity.identityKeyPair.serialize());
    return identity;
  }
  if (storedId === undefined) throw new SignalRecordError('local', REGISTRATION_ID);
  const registrationId = decodeRegistrationId(storedId);
  if (storedPair === undefined) {
    const identityKeyPair = IdentityKeyPair.generate();
    await records.put('local', KEY_PAIR, identityKeyPair.serialize());
    return { identityKeyPair, registrationId };
  }
  try {
    return { identityKeyPair: IdentityKeyPair.deserialize(Uint8Array.from(storedPair)), registrationId };
  } catch (error) {
    throw new SignalRecordError('local', KEY_PAIR, { cause: error });
  }
}

function encodeRegistrationId(id: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, id);
  return bytes;
}

function decodeRegistrationId(bytes: Uint8Array): number {
  const id = bytes.length === 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) : 0;
  if (id < 1 || id > MAX_REGISTRATION_ID) throw new SignalRecordError('local', REGISTRATION_ID);
  return id;
}
