// The safety number two contacts compare: libsignal's Fingerprint over each side's onion address and Signal identity key.
import { Fingerprint, type PublicKey } from '@signalapp/libsignal-client';

// Signal's parameters for displayable fingerprints; version 2 is the one keyed by service identifiers.
const ITERATIONS = 5200;
const VERSION = 2;

export interface SafetyNumberSide {
  readonly address: string;
  readonly identityKey: PublicKey;
}

/** Sixty digits, the same whichever side computes it: libsignal orders the two halves. */
export function safetyNumber(local: SafetyNumberSide, remote: SafetyNumberSide): string {
  const encode = (address: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(address);
  return Fingerprint.new(ITERATIONS, VERSION, encode(local.address), local.identityKey, encode(remote.address), remote.identityKey)
    .displayableFingerprint()
    .toString();
}
