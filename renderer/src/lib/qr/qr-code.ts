// Encodes text as a QR code (byte mode, error correction level M, versions 1–10), following ISO/IEC 18004.
import { QrCapacityError } from './errors.js';
import { errorCorrection } from './galois-field.js';
import { dataCapacity, LEVEL_M_VERSIONS, type VersionLayout } from './versions.js';

export interface QrCode {
  readonly version: number;
  readonly size: number;
  /** Row-major, true for dark modules. */
  readonly modules: readonly (readonly boolean[])[];
}

// Level M's two format bits are 00 (Table 25); the format word is BCH(15,5) masked with 0x5412.
const LEVEL_M_BITS = 0b00;
const PAD_BYTES = [0xec, 0x11] as const;

/** Encodes the UTF-8 bytes of `text` in the smallest version that holds them, with the mask that reads best. */
export function encodeQr(text: string): QrCode {
  const bytes = new TextEncoder().encode(text);
  const layout = LEVEL_M_VERSIONS.find((candidate) => bitLength(candidate, bytes.length) <= dataCapacity(candidate) * 8);
  if (layout === undefined) throw new QrCapacityError(bytes.length);
  const codewords = interleave(layout, dataCodewords(layout, bytes));
  let best: QrCode | undefined;
  let bestPenalty = Infinity;
  for (let mask = 0; mask < 8; mask += 1) {
    const candidate = buildSymbol(layout, codewords, mask);
    const score = penalty(candidate.modules);
    if (score < bestPenalty) {
      best = candidate;
      bestPenalty = score;
    }
  }
  if (best === undefined) throw new Error('no mask was evaluated');
  return best;
}

function countBits(version: number): number {
  return version <= 9 ? 8 : 16;
}

function bitLength(layout: VersionLayout, byteCount: number): number {
  return 4 + countBits(layout.version) + byteCount * 8;
}

/** Mode indicator 0100 (bytes), the count, the bytes, a terminator, then pad codewords to fill the capacity. */
function dataCodewords(layout: VersionLayout, bytes: Uint8Array): number[] {
  const bits: number[] = [];
  const push = (value: number, length: number): void => {
    for (let bit = length - 1; bit >= 0; bit -= 1) bits.push((value >>> bit) & 1);
  };
  const capacityBits = dataCapacity(layout) * 8;
  push(0b0100, 4);
  push(bytes.length, countBits(layout.version));
  for (const byte of bytes) push(byte, 8);
  push(0, Math.min(4, capacityBits - bits.length));
  push(0, (8 - (bits.length % 8)) % 8);
  const codewords: number[] = [];
  for (let index = 0; index < bits.length; index += 8) codewords.push(bits.slice(index, index + 8).reduce((byte, bit) => (byte << 1) | bit, 0));
  for (let pad = 0; codewords.length < dataCapacity(layout); pad += 1) codewords.push(PAD_BYTES[pad % 2] ?? 0);
  return codewords;
}

/** Splits data into blocks, adds each block's error correction, and interleaves both column by column. */
export function interleave(layout: VersionLayout, data: readonly number[]): number[] {
  const blocks: number[][] = [];
  let offset = 0;
  for (const size of layout.blocks) {
    blocks.push(data.slice(offset, offset + size));
    offset += size;
  }
  const corrections = blocks.map((block) => errorCorrection(block, layout.ecPerBlock));
  const result: number[] = [];
  const longest = Math.max(...layout.blocks);
  for (let column = 0; column < longest; column += 1) {
    for (const block of blocks) if (column < block.length) result.push(block[column] ?? 0);
  }
  for (let column = 0; column < layout.ecPerBlock; column += 1) {
    for (const correction of corrections) result.push(correction[column] ?? 0);
  }
  return result;
}

class Grid {
  readonly dark: boolean[][];
  readonly reserved: boolean[][];
  constructor(readonly size: number) {
    this.dark = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
    this.reserved = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  }
  /** A function module (finder, timing, alignment, format, version): fixed, never masked. */
  fix(row: number, column: number, dark: boolean): void {
    const cells = this.dark[row];
    const reserved = this.reserved[row];
    if (cells === undefined || reserved === undefined || column < 0 || column >= this.size) return;
    cells[column] = dark;
    reserved[column] = true;
  }
  isReserved(row: number, column: number): boolean {
    return this.reserved[row]?.[column] === true;
  }
}

function buildSymbol(layout: VersionLayout, codewords: readonly number[], mask: number): QrCode {
  const size = 17 + 4 * layout.version;
  const grid = new Grid(size);
  drawFunctionPatterns(grid, layout);
  drawFormat(grid, mask);
  if (layout.version >= 7) drawVersion(grid, layout.version);
  drawData(grid, codewords, mask);
  return { version: layout.version, size, modules: grid.dark };
}

function drawFunctionPatterns(grid: Grid, layout: VersionLayout): void {
  const { size } = grid;
  for (let index = 0; index < size; index += 1) {
    grid.fix(6, index, index % 2 === 0);
    grid.fix(index, 6, index % 2 === 0);
  }
  for (const [row, column] of [
    [3, 3],
    [3, size - 4],
    [size - 4, 3],
  ] as const) {
    // A 7×7 finder with its one-module light separator.
    for (let dy = -4; dy <= 4; dy += 1) {
      for (let dx = -4; dx <= 4; dx += 1) {
        const distance = Math.max(Math.abs(dx), Math.abs(dy));
        grid.fix(row + dy, column + dx, distance !== 2 && distance !== 4);
      }
    }
  }
  const centres = layout.alignment;
  const last = centres.length - 1;
  centres.forEach((row, i) => {
    centres.forEach((column, j) => {
      // No alignment pattern where a finder sits.
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dy = -2; dy <= 2; dy += 1) {
        for (let dx = -2; dx <= 2; dx += 1) grid.fix(row + dy, column + dx, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
      }
    });
  });
}

/** The format word for level M and a mask: five bits, ten BCH bits, XOR 0x5412. */
export function formatBits(levelBits: number, mask: number): number {
  const data = (levelBits << 3) | mask;
  let remainder = data;
  for (let step = 0; step < 10; step += 1) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
  return ((data << 10) | remainder) ^ 0x5412;
}

/** The version word: six bits and twelve BCH bits (versions 7 and up). */
export function versionBits(version: number): number {
  let remainder = version;
  for (let step = 0; step < 12; step += 1) remainder = (remainder << 1) ^ ((remainder >>> 11) * 0x1f25);
  return (version << 12) | remainder;
}

const bit = (word: number, index: number): boolean => ((word >>> index) & 1) === 1;

function drawFormat(grid: Grid, mask: number): void {
  const { size } = grid;
  const word = formatBits(LEVEL_M_BITS, mask);
  // First copy around the top-left finder, second split between the other two (Figure 25).
  for (let index = 0; index <= 5; index += 1) grid.fix(index, 8, bit(word, index));
  grid.fix(7, 8, bit(word, 6));
  grid.fix(8, 8, bit(word, 7));
  grid.fix(8, 7, bit(word, 8));
  for (let index = 9; index < 15; index += 1) grid.fix(8, 14 - index, bit(word, index));
  for (let index = 0; index < 8; index += 1) grid.fix(8, size - 1 - index, bit(word, index));
  for (let index = 8; index < 15; index += 1) grid.fix(size - 15 + index, 8, bit(word, index));
  // The dark module, always dark.
  grid.fix(size - 8, 8, true);
}

function drawVersion(grid: Grid, version: number): void {
  const word = versionBits(version);
  for (let index = 0; index < 18; index += 1) {
    const near = grid.size - 11 + (index % 3);
    const far = Math.floor(index / 3);
    grid.fix(far, near, bit(word, index));
    grid.fix(near, far, bit(word, index));
  }
}

function masked(mask: number, row: number, column: number): boolean {
  switch (mask) {
    case 0:
      return (row + column) % 2 === 0;
    case 1:
      return row % 2 === 0;
    case 2:
      return column % 3 === 0;
    case 3:
      return (row + column) % 3 === 0;
    case 4:
      return (Math.floor(row / 2) + Math.floor(column / 3)) % 2 === 0;
    case 5:
      return ((row * column) % 2) + ((row * column) % 3) === 0;
    case 6:
      return (((row * column) % 2) + ((row * column) % 3)) % 2 === 0;
    default:
      return (((row + column) % 2) + ((row * column) % 3)) % 2 === 0;
  }
}

/** Codeword bits in two-column strips, upwards then downwards, from the bottom right, skipping the timing column. */
function drawData(grid: Grid, codewords: readonly number[], mask: number): void {
  const { size } = grid;
  const total = codewords.length * 8;
  let index = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step += 1) {
      const row = upward ? size - 1 - step : step;
      for (let offset = 0; offset < 2; offset += 1) {
        const column = right - offset;
        if (grid.isReserved(row, column)) continue;
        // Past the last codeword come remainder bits, which are 0 before masking.
        const value = index < total && bit(codewords[index >>> 3] ?? 0, 7 - (index & 7));
        index += 1;
        const cells = grid.dark[row];
        if (cells !== undefined) cells[column] = value !== masked(mask, row, column);
      }
    }
  }
}

/** ISO/IEC 18004 §7.8.3: runs, 2×2 blocks, finder look-alikes and dark/light balance; lower reads better. */
function penalty(modules: readonly (readonly boolean[])[]): number {
  const size = modules.length;
  const at = (row: number, column: number): boolean => modules[row]?.[column] === true;
  let score = 0;
  const lines = (transpose: boolean): boolean[][] =>
    Array.from({ length: size }, (_, a) => Array.from({ length: size }, (_, b) => (transpose ? at(b, a) : at(a, b))));
  for (const line of [...lines(false), ...lines(true)]) {
    let run = 1;
    for (let index = 1; index <= size; index += 1) {
      if (index < size && line[index] === line[index - 1]) run += 1;
      else {
        if (run >= 5) score += 3 + (run - 5);
        run = 1;
      }
    }
    const text = line.map((dark) => (dark ? '1' : '0')).join('');
    for (const pattern of ['10111010000', '00001011101']) {
      for (let from = text.indexOf(pattern); from !== -1; from = text.indexOf(pattern, from + 1)) score += 40;
    }
  }
  let dark = 0;
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1) {
      if (at(row, column)) dark += 1;
      if (row + 1 < size && column + 1 < size) {
        const colour = at(row, column);
        if (at(row + 1, column) === colour && at(row, column + 1) === colour && at(row + 1, column + 1) === colour) score += 3;
      }
    }
  }
  const total = size * size;
  score += Math.floor(Math.abs(dark * 20 - total * 10) / total) * 10;
  return score;
}
