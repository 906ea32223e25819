// The table codec agrees with the platform's atob/btoa on every byte value and every padding length, and refuses non-base64.
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from './base64.js';

describe('base64', () => {
  it('encodes like btoa and decodes like atob, for every length mod 3', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const length of [0, 1, 2, 3, 254, 255, 256]) {
      const bytes = all.subarray(0, length);
      const expected = btoa(String.fromCharCode(...bytes));
      expect(bytesToBase64(bytes)).toBe(expected);
      expect(base64ToBytes(expected)).toEqual(bytes);
    }
  });

  it('round-trips a large input', () => {
    const bytes = Uint8Array.from({ length: 200_003 }, (_, i) => (i * 7) % 256);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
  });

  it('refuses characters outside the alphabet', () => {
    expect(() => base64ToBytes('ab!d')).toThrow('unexpected character at 2');
    expect(() => base64ToBytes('abcde')).toThrow('the length is wrong');
  });
});
