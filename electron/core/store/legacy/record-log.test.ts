// Tests for the history log codec: whole records decode, a torn tail is cut off, damage inside is corruption.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seal, unseal } from '../sealed-file.js';
import { LOG_MAGIC, decodeLog, encodeRecord } from './record-log.js';

const key = randomBytes(32);
const open = (sealed: Buffer, index: number): Buffer => unseal(key, 'history-record', `c/1/${String(index)}`, sealed);
const log = (...texts: string[]): Buffer =>
  Buffer.concat([LOG_MAGIC, ...texts.map((t, i) => encodeRecord(seal(key, 'history-record', `c/1/${String(i)}`, Buffer.from(t))))]);
const texts = (decoding: ReturnType<typeof decodeLog>): string[] => (decoding.ok ? decoding.records.map((r) => r.toString()) : []);

describe('history record log', () => {
  it('decodes every whole record in order', () => {
    const bytes = log('one', 'two', 'three');
    expect(decodeLog(bytes, open)).toMatchObject({ ok: true, validLength: bytes.length, tornBytes: 0 });
    expect(texts(decodeLog(bytes, open))).toEqual(['one', 'two', 'three']);
  });

  it('treats an empty file or a partial header as an empty log', () => {
    expect(decodeLog(Buffer.alloc(0), open)).toMatchObject({ ok: true, records: [], validLength: 0 });
    expect(decodeLog(LOG_MAGIC.subarray(0, 3), open)).toMatchObject({ ok: true, validLength: 0, tornBytes: 3 });
  });

  it('cuts a record torn at any byte back to the last whole record', () => {
    const whole = log('one', 'two');
    const withThird = log('one', 'two', 'three');
    for (let cut = whole.length + 1; cut < withThird.length; cut += 1) {
      const decoding = decodeLog(withThird.subarray(0, cut), open);
      expect(decoding).toMatchObject({ ok: true, validLength: whole.length, tornBytes: cut - whole.length });
      expect(texts(decoding)).toEqual(['one', 'two']);
    }
  });

  it('cuts a zero-filled tail (a crash that extended the file but not its data)', () => {
    const bytes = Buffer.concat([log('one'), Buffer.alloc(100)]);
    expect(texts(decodeLog(bytes, open))).toEqual(['one']);
  });

  it('reports damage followed by more records as corruption, not a torn tail', () => {
    const bytes = log('one', 'two', 'three');
    bytes[LOG_MAGIC.length + 10]! ^= 0xff;
    expect(decodeLog(bytes, open)).toEqual({ ok: false, reason: 'record 0 does not authenticate' });
  });

  it('refuses records that were reordered', () => {
    const a = encodeRecord(seal(key, 'history-record', 'c/1/0', Buffer.from('a')));
    const b = encodeRecord(seal(key, 'history-record', 'c/1/1', Buffer.from('b')));
    expect(decodeLog(Buffer.concat([LOG_MAGIC, b, a]), open).ok).toBe(false);
  });

  it('never throws on arbitrary bytes after a valid header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        const decoding = decodeLog(Buffer.concat([log('one'), tail]), open);
        if (decoding.ok) expect(texts(decoding)[0]).toBe('one');
      }),
    );
  });
});
