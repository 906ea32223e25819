// The stored identity trust record: round trip of each status, and damaged bytes refused by name.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignalRecordError } from './errors.js';
import { decodeIdentityRecord, encodeIdentityRecord, type IdentityRecord } from './identity-record.js';

const key = (fill: number): Uint8Array => new Uint8Array(33).fill(fill);
const PEER = 'peer.onion';

describe('identity records', () => {
  it('round-trip every status', () => {
    const records: IdentityRecord[] = [
      { status: 'trusted', trustedKey: key(1) },
      { status: 'verified', trustedKey: key(2) },
      { status: 'changed', trustedKey: key(3), pendingKey: key(4) },
    ];
    for (const record of records) expect(decodeIdentityRecord(PEER, encodeIdentityRecord(record))).toEqual(record);
  });

  it('has a fixed layout: version, status code, sized keys', () => {
    expect(encodeIdentityRecord({ status: 'verified', trustedKey: Uint8Array.of(9, 8) })).toEqual(Uint8Array.of(1, 2, 0, 2, 9, 8));
  });

  it('refuses damaged bytes, naming the peer', () => {
    const valid = encodeIdentityRecord({ status: 'changed', trustedKey: key(3), pendingKey: key(4) });
    for (const damaged of [new Uint8Array(0), Uint8Array.of(2, ...valid.subarray(1)), Uint8Array.of(1, 9, ...valid.subarray(2)), valid.subarray(0, -1), Uint8Array.of(...valid, 0)]) {
      expect(() => decodeIdentityRecord(PEER, damaged)).toThrow(SignalRecordError);
    }
    expect(() => decodeIdentityRecord(PEER, new Uint8Array(0))).toThrow("The stored Signal identity record 'peer.onion' is damaged");
  });

  it('decodes random bytes to a record or a SignalRecordError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        try {
          decodeIdentityRecord(PEER, bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(SignalRecordError);
        }
      }),
    );
  });
});
