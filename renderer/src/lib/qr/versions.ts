// Capacities of QR versions 1–10 at error correction level M (ISO/IEC 18004 Table 9) and their alignment patterns.

export interface VersionLayout {
  readonly version: number;
  /** Error correction codewords in each block. */
  readonly ecPerBlock: number;
  /** Data codewords of each block, short blocks first. */
  readonly blocks: readonly number[];
  /** Row and column centres of the alignment patterns (Annex E). */
  readonly alignment: readonly number[];
}

const repeat = (count: number, size: number): number[] => new Array<number>(count).fill(size);

/** Level M: about 15% of the symbol can be damaged and still read, enough for a screen or a print. */
export const LEVEL_M_VERSIONS: readonly VersionLayout[] = [
  { version: 1, ecPerBlock: 10, blocks: [16], alignment: [] },
  { version: 2, ecPerBlock: 16, blocks: [28], alignment: [6, 18] },
  { version: 3, ecPerBlock: 26, blocks: [44], alignment: [6, 22] },
  { version: 4, ecPerBlock: 18, blocks: repeat(2, 32), alignment: [6, 26] },
  { version: 5, ecPerBlock: 24, blocks: repeat(2, 43), alignment: [6, 30] },
  { version: 6, ecPerBlock: 16, blocks: repeat(4, 27), alignment: [6, 34] },
  { version: 7, ecPerBlock: 18, blocks: repeat(4, 31), alignment: [6, 22, 38] },
  { version: 8, ecPerBlock: 22, blocks: [...repeat(2, 38), ...repeat(2, 39)], alignment: [6, 24, 42] },
  { version: 9, ecPerBlock: 22, blocks: [...repeat(3, 36), ...repeat(2, 37)], alignment: [6, 26, 46] },
  { version: 10, ecPerBlock: 26, blocks: [...repeat(4, 43), 44], alignment: [6, 28, 50] },
];

export function dataCapacity(layout: VersionLayout): number {
  return layout.blocks.reduce((sum, size) => sum + size, 0);
}
