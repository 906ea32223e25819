// Tests for the bitmap of held records: the first missing record, and saved bits that cannot be right.
import { describe, expect, it } from 'vitest';
import { HeldRecords } from './held-records.js';

describe('HeldRecords', () => {
  it('tracks the first missing record as records arrive in any order', () => {
    const held = new HeldRecords(10);
    expect(held.firstMissing).toBe(0);
    held.add(1);
    expect(held.firstMissing).toBe(0);
    held.add(0);
    expect(held.firstMissing).toBe(2);
    expect(held.add(0)).toBe(false);
    for (let index = 2; index < 10; index++) held.add(index);
    expect(held.firstMissing).toBeUndefined();
    expect(held.count).toBe(10);
  });

  it('round-trips through bytes, one bit per record', () => {
    const held = new HeldRecords(9);
    held.add(0);
    held.add(8);
    expect(held.toBytes()).toEqual(Uint8Array.from([0x01, 0x01]));
    const restored = new HeldRecords(9, held.toBytes());
    expect([restored.count, restored.firstMissing, restored.highest]).toEqual([2, 1, 8]);
  });

  it('refuses saved bits of the wrong length or for records past the last', () => {
    expect(() => new HeldRecords(9, Uint8Array.from([0xff]))).toThrow(RangeError);
    expect(() => new HeldRecords(9, Uint8Array.from([0xff, 0x02]))).toThrow(RangeError);
  });
});
