// The one byte range a blob download may ask for (`Range: bytes=a-b`, `a-` or `-n`), checked against the blob's size.
import { RelayRefusal } from '../errors.js';

/** First and last byte, both included. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

const RANGE = /^bytes=(\d{0,16})-(\d{0,16})$/;

/** The range asked for, undefined for the whole blob; refuses a malformed or unsatisfiable one. */
export function parseByteRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = RANGE.exec(header.trim());
  if (match === null || (match[1] === '' && match[2] === '')) {
    throw new RelayRefusal('malformed-request', 'A blob download takes one byte range: "Range: bytes=<first>-[<last>]" or "bytes=-<length>".');
  }
  const [, first = '', last = ''] = match;
  const unsatisfiable = (): RelayRefusal =>
    new RelayRefusal('range-not-satisfiable', `The blob has ${String(size)} bytes; the range ${header} lies outside it.`, undefined, { 'content-range': `bytes */${String(size)}` });
  if (first === '') {
    const length = Number(last);
    if (length === 0) throw unsatisfiable();
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || start > end) throw unsatisfiable();
  return { start, end };
}
