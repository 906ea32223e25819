// QR encoding checked against published vectors: Reed–Solomon codewords, format and version words, and the symbol's fixed parts.
import { describe, expect, it } from 'vitest';
import { QrCapacityError } from './errors.js';
import { errorCorrection } from './galois-field.js';
import { encodeQr, formatBits, versionBits } from './qr-code.js';

describe('errorCorrection', () => {
  it('gives the 1-M "HELLO WORLD" block the codewords of the Thonky.com QR tutorial', () => {
    const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
    expect(errorCorrection(data, 10)).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  });
});

describe('format and version words (ISO/IEC 18004 Annex C and D)', () => {
  it('level M mask 0 is 101010000010010, level L mask 0 is 111011111000100', () => {
    expect(formatBits(0b00, 0).toString(2).padStart(15, '0')).toBe('101010000010010');
    expect(formatBits(0b01, 0).toString(2).padStart(15, '0')).toBe('111011111000100');
  });

  it('version 7 is 000111110010010100', () => {
    expect(versionBits(7).toString(2).padStart(18, '0')).toBe('000111110010010100');
  });
});

describe('encodeQr', () => {
  const address = '25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion';

  it('fits an onion address (62 bytes) in version 4, 33 modules wide', () => {
    const code = encodeQr(address);
    expect(code.version).toBe(4);
    expect(code.size).toBe(33);
    expect(code.modules).toHaveLength(33);
  });

  it('draws the three finder patterns, the timing lines and the dark module', () => {
    const { modules, size } = encodeQr(address);
    const finderRow = [true, true, true, true, true, true, true, false];
    expect(modules[0]?.slice(0, 8)).toEqual(finderRow);
    expect(modules[0]?.slice(size - 8).reverse()).toEqual(finderRow);
    expect(modules[size - 1]?.slice(0, 8)).toEqual(finderRow);
    expect(modules[2]?.slice(0, 7)).toEqual([true, false, true, true, true, false, true]);
    for (let index = 8; index < size - 8; index += 1) {
      expect(modules[6]?.[index]).toBe(index % 2 === 0);
      expect(modules[index]?.[6]).toBe(index % 2 === 0);
    }
    expect(modules[size - 8]?.[8]).toBe(true);
  });

  it('writes the same format word in both places', () => {
    const { modules, size } = encodeQr(address);
    const read = (row: number, column: number): number => (modules[row]?.[column] === true ? 1 : 0);
    const first = [0, 1, 2, 3, 4, 5, 7, 8].map((row) => read(row, 8)).concat([7, 5, 4, 3, 2, 1, 0].map((column) => read(8, column)));
    const second = Array.from({ length: 8 }, (_, i) => read(8, size - 1 - i)).concat(Array.from({ length: 7 }, (_, i) => read(size - 7 + i, 8)));
    expect(second).toEqual(first);
    const word = first.reduce((value, bit, index) => value | (bit << index), 0);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((mask) => formatBits(0, mask))).toContain(word);
  });

  it('grows the version with the text and refuses what does not fit', () => {
    expect(encodeQr('a').version).toBe(1);
    expect(encodeQr('a'.repeat(200)).version).toBe(10);
    expect(() => encodeQr('a'.repeat(214))).toThrow(QrCapacityError);
  });
});
