// A log is cut into group-ops envelopes that each fit their budget, in order, never splitting an operation.
import { describe, expect, it } from 'vitest';
import { chunkOperations } from './group-chunks.js';

const op = (size: number, mark: number): Uint8Array => new Uint8Array(size).fill(mark);

describe('chunkOperations', () => {
  it('keeps order and each chunk within its budget (with the bin headers)', () => {
    const ops = Array.from({ length: 10 }, (_, i) => op(97, i)); // 100 bytes each with its header
    const chunks = chunkOperations(ops, 300);
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 3, 1]);
    expect(chunks.flat().map((o) => o[0])).toEqual(ops.map((o) => o[0]));
  });

  it('never puts more than 2,000 operations in one envelope, and sends an oversized one alone', () => {
    expect(chunkOperations(Array.from({ length: 4_500 }, (_, i) => op(1, i % 256)), 1_000_000).map((c) => c.length)).toEqual([2_000, 2_000, 500]);
    expect(chunkOperations([op(10, 1), op(500, 2), op(10, 3)], 100).map((c) => c.length)).toEqual([1, 1, 1]);
    expect(chunkOperations([])).toEqual([]);
  });
});
