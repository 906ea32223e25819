// Splits a roster log into group-ops envelopes that each fit one link frame (and so a relay's envelope limit too).

/**
 * Bytes of signed operations one group-ops envelope carries at most: with the envelope's own fields, MessagePack
 * framing and the Signal ciphertext around it, well under the 65,000-byte frame body (and the relay's ~252 KiB).
 */
export const OPERATIONS_PER_ENVELOPE_BYTES = 48_000;
/** The envelope schema's cap on operations in one group-ops envelope. */
const MAX_OPERATIONS_PER_ENVELOPE = 2_000;
/** MessagePack's header of one bin value of up to 64 KiB. */
const BIN_HEADER_BYTES = 3;

/** The operations in order, cut into runs of at most `budget` bytes each (an operation is never split). */
export function chunkOperations(operations: readonly Uint8Array[], budget = OPERATIONS_PER_ENVELOPE_BYTES): Uint8Array[][] {
  const chunks: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let bytes = 0;
  for (const operation of operations) {
    const size = operation.length + BIN_HEADER_BYTES;
    if (current.length > 0 && (bytes + size > budget || current.length >= MAX_OPERATIONS_PER_ENVELOPE)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(operation);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
