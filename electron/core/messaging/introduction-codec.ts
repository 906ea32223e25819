// Keeps a contact request's Signal introduction (identity key, binding, bundle) as bytes in the store.
import { decode, encode } from '@msgpack/msgpack';
import { z } from 'zod';
import type { SignalIntroduction } from '../signal/index.js';

const introductionSchema = z.strictObject({
  signalIdentityKey: z.instanceof(Uint8Array),
  binding: z.instanceof(Uint8Array),
  prekeyBundle: z.instanceof(Uint8Array),
});

export function encodeIntroduction(introduction: SignalIntroduction): Uint8Array {
  return encode({ signalIdentityKey: introduction.signalIdentityKey, binding: introduction.binding, prekeyBundle: introduction.prekeyBundle });
}

/** Our own stored bytes: a failure here means the state file was damaged, which the store reports separately. */
export function decodeIntroduction(bytes: Uint8Array): SignalIntroduction {
  return introductionSchema.parse(decode(bytes));
}
