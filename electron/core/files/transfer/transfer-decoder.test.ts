// The file stream's frame decoder against literal bytes: round trips whatever the chunking, and named refusals of bad input.
import { describe, expect, it } from 'vitest';
import { RECORD_TAG_BYTES, SEALED_RECORD_BYTES } from '../file-records.js';
import { TransferProtocolError } from './errors.js';
import { TransferDecoder } from './transfer-decoder.js';
import { encodeTransferFrame, MAX_FRAME_BYTES, type TransferFrame } from './transfer-frames.js';

const frames: TransferFrame[] = [
  { type: 'want', fileId: 'f-1', from: 7 },
  { type: 'record', index: 3, sealed: new Uint8Array(SEALED_RECORD_BYTES).fill(9) },
  { type: 'record', index: 4, sealed: new Uint8Array(RECORD_TAG_BYTES) },
  { type: 'done' },
  { type: 'cancel', reason: 'source-changed' },
  { type: 'verified' },
];

describe('TransferDecoder', () => {
  it('lays a Done frame out as length 1 and type 3', () => {
    expect([...encodeTransferFrame({ type: 'done' })]).toEqual([0, 0, 0, 1, 3]);
  });

  it('decodes what was encoded, whole or in 997-byte chunks', () => {
    const wire = Buffer.concat(frames.map(encodeTransferFrame));
    expect(new TransferDecoder().push(wire)).toEqual(frames.map((f) => (f.type === 'record' ? { ...f, sealed: Buffer.from(f.sealed) } : f)));
    const decoder = new TransferDecoder();
    const out: TransferFrame[] = [];
    for (let at = 0; at < wire.length; at += 997) out.push(...decoder.push(wire.subarray(at, at + 997)));
    expect(out.map((f) => f.type)).toEqual(frames.map((f) => f.type));
    expect(decoder.bufferedBytes).toBe(0);
  });

  it.each([
    ['an oversized record, refused on its header alone', [0, 0x10, 0, 0, 2], `at most ${String(MAX_FRAME_BYTES)}`],
    ['a control frame longer than a control frame may be', [0, 0, 0x10, 0, 1], 'at most 1025'],
    ['an unknown type', [0, 0, 0, 1, 42], 'unknown frame type 42'],
    ['a zero length', [0, 0, 0, 0, 3], 'cannot be 0 bytes'],
    ['Done with a body', [0, 0, 0, 2, 3, 0], 'cannot be 2 bytes (at most 1)'],
    ['a Want that is not msgpack', [0, 0, 0, 2, 1, 0xc1], 'not valid msgpack'],
    ['a record too short for a tag', [0, 0, 0, 6, 2, 0, 0, 0, 1, 0], 'too short'],
  ])('refuses %s', (_name, bytes, message) => {
    const decoder = new TransferDecoder();
    expect(() => decoder.push(Buffer.from(bytes))).toThrow(message);
    expect(() => decoder.push(Buffer.from(encodeTransferFrame({ type: 'done' })))).toThrow(TransferProtocolError);
  });

  it('refuses a Want with fields it does not know', () => {
    const wire = encodeTransferFrame({ type: 'want', fileId: 'x', from: 0 });
    const bad = Buffer.concat([wire.subarray(0, 5), Buffer.from([0x83]), wire.subarray(6), Buffer.from([0xa1, 0x7a, 0x01])]);
    bad.writeUInt32BE(bad.length - 4);
    expect(() => new TransferDecoder().push(bad)).toThrow(/invalid 'want' frame/);
  });

  it('refuses a stream that ends inside a frame', () => {
    const decoder = new TransferDecoder();
    decoder.push(encodeTransferFrame({ type: 'verified' }).subarray(0, 3));
    expect(() => decoder.end()).toThrow('the stream ended inside a frame, 3 bytes in');
  });
});
