// What we leave at a contact's relay mailbox: one Signal message (its kind and bytes), MessagePack, checked when fetched.
import { decode, encode } from '@msgpack/msgpack';
import { z } from 'zod';
import type { SignalCiphertext } from '../signal/index.js';

const relayedSchema = z
  .object({
    v: z.literal(1),
    kind: z.enum(['prekey', 'whisper']),
    body: z.custom<Uint8Array>((value) => value instanceof Uint8Array && value.length > 0, 'must be bytes'),
  })
  .strict();

export class RelayedEnvelopeError extends Error {
  override readonly name = 'RelayedEnvelopeError';
}

export function encodeRelayed(ciphertext: SignalCiphertext): Uint8Array {
  return encode({ v: 1, kind: ciphertext.kind, body: ciphertext.body });
}

/** The Signal message in a fetched deposit; anything else (a damaged or foreign deposit) is a RelayedEnvelopeError. */
export function decodeRelayed(bytes: Uint8Array): SignalCiphertext {
  let raw: unknown;
  try {
    raw = decode(bytes);
  } catch (error) {
    throw new RelayedEnvelopeError('The deposit is not valid MessagePack.', { cause: error });
  }
  const parsed = relayedSchema.safeParse(raw);
  if (!parsed.success) throw new RelayedEnvelopeError(`The deposit is malformed: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  return { kind: parsed.data.kind, body: parsed.data.body };
}
