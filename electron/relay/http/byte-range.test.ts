// Range headers of blob downloads with literal values: what each form asks for, and what is refused and how.
import { describe, expect, it } from 'vitest';
import type { RelayRefusal } from '../errors.js';
import { parseByteRange } from './byte-range.js';

const refusalOf = (header: string, size: number): RelayRefusal | undefined => {
  try {
    parseByteRange(header, size);
    return undefined;
  } catch (error) {
    return error as RelayRefusal;
  }
};

describe('blob download ranges', () => {
  it('reads the three forms of one range, clipped to the blob', () => {
    expect(parseByteRange(undefined, 100)).toBeUndefined();
    expect(parseByteRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseByteRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseByteRange('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
    expect(parseByteRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseByteRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
  });

  it('refuses a range outside the blob with its size, and any other form as malformed', () => {
    for (const header of ['bytes=100-', 'bytes=5-4', 'bytes=-0']) {
      expect(refusalOf(header, 100)).toMatchObject({ code: 'range-not-satisfiable', status: 416, headers: { 'content-range': 'bytes */100' } });
    }
    for (const header of ['bytes=-', 'bytes=0-1,4-5', 'items=0-1', 'bytes=a-b']) expect(refusalOf(header, 100)).toMatchObject({ code: 'malformed-request', status: 400 });
  });
});
