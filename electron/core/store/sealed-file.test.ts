// Tests for the sealed-bytes format: byte layout, role binding, and a decoder that only ever throws SealedFileError.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SealedFileError } from './errors.js';
import { SEALED_OVERHEAD, seal, unseal } from './sealed-file.js';

const key = randomBytes(32);
const plaintext = Buffer.from('{"hello":"world"}', 'utf8');

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof SealedFileError) return error.problem;
    throw error;
  }
  return 'opened';
}

describe('sealed file format', () => {
  it('lays out magic ALSF, version 1, 12-byte nonce, ciphertext and 16-byte tag', () => {
    const sealed = seal(key, 'state', 'p1', plaintext);
    expect(sealed.subarray(0, 5)).toEqual(Buffer.from([0x41, 0x4c, 0x53, 0x46, 0x01]));
    expect(sealed.length).toBe(plaintext.length + SEALED_OVERHEAD);
    expect(sealed.includes(plaintext)).toBe(false);
    expect(unseal(key, 'state', 'p1', sealed)).toEqual(plaintext);
  });

  it('uses a fresh nonce every time', () => {
    expect(seal(key, 'state', '', plaintext).equals(seal(key, 'state', '', plaintext))).toBe(false);
  });

  it('refuses a blob sealed for another role, another context or under another key', () => {
    const sealed = seal(key, 'history-segment', 'c1/1', plaintext);
    expect(problemOf(() => unseal(key, 'state', 'c1/1', sealed))).toBe('authentication-failed');
    expect(problemOf(() => unseal(key, 'history-segment', 'c1/2', sealed))).toBe('authentication-failed');
    expect(problemOf(() => unseal(randomBytes(32), 'history-segment', 'c1/1', sealed))).toBe('authentication-failed');
  });

  it('names truncation, foreign files and future versions', () => {
    const sealed = seal(key, 'state', '', plaintext);
    expect(problemOf(() => unseal(key, 'state', '', sealed.subarray(0, 20)))).toBe('too-short');
    expect(problemOf(() => unseal(key, 'state', '', Buffer.concat([Buffer.from('{"json":'), sealed])))).toBe('bad-magic');
    const future = Buffer.from(sealed);
    future[4] = 2;
    expect(problemOf(() => unseal(key, 'state', '', future))).toBe('unsupported-version');
  });

  it('rejects random bytes with a named error, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(['too-short', 'bad-magic', 'unsupported-version', 'authentication-failed']).toContain(
          problemOf(() => unseal(key, 'state', '', bytes)),
        );
      }),
    );
  });

  it('rejects every single-byte mutation, truncation and extension of a valid blob', () => {
    const sealed = seal(key, 'state', 'ctx', plaintext);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ at: fc.nat({ max: sealed.length - 1 }), xor: fc.integer({ min: 1, max: 255 }) }).map(({ at, xor }) => {
            const copy = Buffer.from(sealed);
            copy[at] = copy[at]! ^ xor;
            return copy;
          }),
          fc.nat({ max: sealed.length - 1 }).map((n) => sealed.subarray(0, n)),
          fc.uint8Array({ minLength: 1, maxLength: 8 }).map((extra) => Buffer.concat([sealed, extra])),
        ),
        (mutated) => {
          expect(problemOf(() => unseal(key, 'state', 'ctx', mutated))).not.toBe('opened');
        },
      ),
    );
  });
});
