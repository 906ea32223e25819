// Size buckets of relay bodies: the client pads every envelope up to one, so the relay learns only the bucket.

/** Every body a relay accepts has exactly one of these lengths, in bytes. */
export const BODY_BUCKETS = [1_024, 4_096, 16_384, 65_536, 262_144] as const;

/** The largest body a relay accepts (the last bucket). */
export const MAX_BODY_BYTES = 262_144;

/** Bytes the padding spends on the payload's length (a 32-bit big-endian prefix). */
const LENGTH_PREFIX = 4;

/** The largest envelope that fits the largest bucket once its length prefix is added. */
export const MAX_ENVELOPE_BYTES = MAX_BODY_BYTES - LENGTH_PREFIX;

export function isBucketLength(length: number): boolean {
  return (BODY_BUCKETS as readonly number[]).includes(length);
}

/** The smallest bucket that holds `payloadLength` bytes plus the length prefix; undefined if none does. */
export function bucketFor(payloadLength: number): number | undefined {
  return BODY_BUCKETS.find((bucket) => bucket >= payloadLength + LENGTH_PREFIX);
}

/** Thrown when bytes cannot be padded or unpadded; `reason` says which way it went wrong. */
export class RelayPaddingError extends Error {
  override readonly name = 'RelayPaddingError';
  constructor(
    readonly reason: 'too-large' | 'malformed',
    message: string,
  ) {
    super(message);
  }
}

/** Length prefix, payload, then zeros up to the bucket. */
export function padToBucket(payload: Uint8Array): Uint8Array {
  const bucket = bucketFor(payload.length);
  if (bucket === undefined) {
    throw new RelayPaddingError('too-large', `A relay holds envelopes of at most ${String(MAX_ENVELOPE_BYTES)} bytes; this one has ${String(payload.length)}.`);
  }
  const padded = new Uint8Array(bucket);
  new DataView(padded.buffer).setUint32(0, payload.length);
  padded.set(payload, LENGTH_PREFIX);
  return padded;
}

/** The payload inside a padded body; refuses a body whose prefix or padding does not add up. */
export function unpad(padded: Uint8Array): Uint8Array {
  if (!isBucketLength(padded.length)) throw new RelayPaddingError('malformed', `A padded body of ${String(padded.length)} bytes is not one of the size buckets.`);
  const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0);
  if (length > padded.length - LENGTH_PREFIX) throw new RelayPaddingError('malformed', 'The padded body claims more bytes than it holds.');
  return padded.slice(LENGTH_PREFIX, LENGTH_PREFIX + length);
}
