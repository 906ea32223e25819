// Codec tests: literal byte vectors, round trips of random frames, and random or mutated bytes that only ever raise ProtocolErrors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameTooLargeError,
  InvalidFrameError,
  MalformedFrameError,
  ProtocolError,
  TruncatedFrameError,
  UnknownFrameTypeError,
  UnsupportedVersionError,
} from './errors.js';
import { frameArbitrary } from './frame-arbitraries.js';
import { decodePayload, encodeFrame, PAYLOAD_BUCKETS } from './frame-codec.js';
import { FrameDecoder } from './frame-decoder.js';
import type { Frame } from './frames.js';
import { encode } from '@msgpack/msgpack';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A wire frame around an arbitrary body, for inputs the encoder would refuse to make. */
function rawFrame(body: Uint8Array, options: { version?: number; payloadBytes?: number } = {}): Uint8Array {
  const payloadBytes = options.payloadBytes ?? 256;
  const wire = new Uint8Array(4 + payloadBytes);
  const view = new DataView(wire.buffer);
  view.setUint32(0, payloadBytes);
  view.setUint8(4, options.version ?? 1);
  view.setUint32(5, body.length);
  wire.set(body, 9);
  return wire;
}

function decodeAll(bytes: Uint8Array): Frame[] {
  const decoder = new FrameDecoder();
  const frames = decoder.push(bytes);
  decoder.end();
  return frames;
}

describe('frame encoding: byte vectors', () => {
  it('encodes Ping { n: 1 } as prefix 256, version 1, body length 14, msgpack map, zero padding', () => {
    const wire = encodeFrame({ type: 'ping', n: 1 });
    expect(wire.length).toBe(4 + 256);
    expect(hex(wire.subarray(0, 23))).toBe('00000100' + '01' + '0000000e' + '82a474797065a470696e67a16e01');
    expect(wire.subarray(23).every((byte) => byte === 0)).toBe(true);
    expect(decodeAll(wire)).toEqual([{ type: 'ping', n: 1 }]);
  });

  it('encodes Close { reason: duplicate } with its reason as a msgpack string', () => {
    const wire = encodeFrame({ type: 'close', reason: 'duplicate' });
    expect(hex(wire.subarray(0, 9))).toBe('00000100' + '01' + '0000001d');
    expect(hex(wire.subarray(9, 9 + 29))).toBe('82a474797065a5636c6f7365a6726561736f6ea96475706c6963617465');
  });

  it('encodes Hello with its versions as a msgpack array and its nonce as bin8', () => {
    const wire = encodeFrame({ type: 'hello', versions: [1], nonce: new Uint8Array(32).fill(1) });
    expect(hex(wire.subarray(0, 9 + 63))).toBe(
      '00000100' + '01' + '0000003f' + '83a474797065a568656c6c6f' + 'a876657273696f6e739101' + 'a56e6f6e6365c420' + '01'.repeat(32),
    );
  });

  it('encodes AuthOk as a one-entry map', () => {
    expect(hex(encodeFrame({ type: 'auth-ok' }).subarray(0, 23))).toBe('00000100' + '01' + '0000000e' + '81a474797065a7617574682d6f6b');
  });

  it('encodes a Signal frame with bytes as msgpack bin and pads it to the next bucket', () => {
    const wire = encodeFrame({ type: 'signal', kind: 'whisper', body: new Uint8Array(300).fill(7) });
    expect(new DataView(wire.buffer).getUint32(0)).toBe(1_024);
    expect(hex(wire.subarray(9, 9 + 26))).toBe('83a474797065a67369676e616ca46b696e64a7776869737065' + '72');
    expect(decodeAll(wire)).toEqual([{ type: 'signal', kind: 'whisper', body: new Uint8Array(300).fill(7) }]);
  });
});

describe('frame encoding: validation', () => {
  it('refuses to encode a nickname over 64 characters', () => {
    const frame: Frame = { type: 'contact-request', nickname: 'x'.repeat(65), message: '', signalIdentityKey: new Uint8Array(33), binding: new Uint8Array(64), prekeyBundle: new Uint8Array(10) };
    expect(() => encodeFrame(frame)).toThrow(InvalidFrameError);
  });

  it('refuses to encode a Signal body larger than a frame carries', () => {
    expect(() => encodeFrame({ type: 'signal', kind: 'prekey', body: new Uint8Array(65_001) })).toThrow(InvalidFrameError);
  });

  it('encodes the largest Signal body into the largest bucket', () => {
    const wire = encodeFrame({ type: 'signal', kind: 'whisper', body: new Uint8Array(65_000) });
    expect(wire.length).toBe(4 + 65_536);
  });
});

describe('frame decoding: named errors', () => {
  it('rejects an oversize length prefix from the prefix alone, before buffering any payload', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(Uint8Array.of(0x00, 0x01, 0x00, 0x01))).toThrow(FrameTooLargeError);
    expect(() => decoder.push(new Uint8Array(10))).toThrow(FrameTooLargeError);
  });

  it('rejects a payload larger than a handshake decoder allows', () => {
    const decoder = new FrameDecoder({ maxPayloadBytes: 1_024 });
    expect(() => decoder.push(encodeFrame({ type: 'signal', kind: 'whisper', body: new Uint8Array(2_000) }))).toThrow(FrameTooLargeError);
  });

  it('rejects a length that is not a bucket size', () => {
    expect(() => new FrameDecoder().push(Uint8Array.of(0, 0, 0, 200))).toThrow(MalformedFrameError);
    expect(() => new FrameDecoder().push(Uint8Array.of(0, 0, 0, 0))).toThrow(MalformedFrameError);
  });

  it('reports a stream that ends inside a frame as truncated', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(encodeFrame({ type: 'ping', n: 5 }).subarray(0, 100))).toEqual([]);
    expect(() => decoder.end()).toThrow(TruncatedFrameError);
  });

  it('rejects an unknown version byte', () => {
    expect(() => decodeAll(rawFrame(encode({ type: 'ping', n: 1 }), { version: 2 }))).toThrow(UnsupportedVersionError);
  });

  it('rejects an unknown frame type by name', () => {
    expect(() => decodeAll(rawFrame(encode({ type: 'teleport', n: 1 })))).toThrow(UnknownFrameTypeError);
  });

  it('rejects non-zero padding, a body length past the payload, bad msgpack, trailing bytes and extra fields', () => {
    const padded = encodeFrame({ type: 'ping', n: 1 });
    padded[200] = 1;
    expect(() => decodeAll(padded)).toThrow(MalformedFrameError);
    const long = encodeFrame({ type: 'ping', n: 1 });
    new DataView(long.buffer).setUint32(5, 300);
    expect(() => decodeAll(long)).toThrow(MalformedFrameError);
    expect(() => decodeAll(rawFrame(Uint8Array.of(0xc1)))).toThrow(MalformedFrameError);
    expect(() => decodeAll(rawFrame(Uint8Array.of(...encode({ type: 'ping', n: 1 }), 0x01)))).toThrow(MalformedFrameError);
    expect(() => decodeAll(rawFrame(encode({ type: 'ping', n: 1, extra: true })))).toThrow(MalformedFrameError);
    expect(() => decodeAll(rawFrame(encode({ type: 'ping', n: -1 })))).toThrow(MalformedFrameError);
    expect(() => decodeAll(rawFrame(encode([1, 2])))).toThrow(MalformedFrameError);
    expect(() => decodeAll(rawFrame(encode({ type: 'hello', versions: [1], nonce: new Uint8Array(31) })))).toThrow(MalformedFrameError);
  });

  it('keeps failing after an error: the frame boundaries are lost', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push(Uint8Array.of(0xff, 0xff, 0xff, 0xff))).toThrow(FrameTooLargeError);
    expect(() => decoder.push(encodeFrame({ type: 'ping', n: 1 }))).toThrow(FrameTooLargeError);
  });

  it('rejects a payload whose size is not a bucket when decoded directly', () => {
    expect(() => decodePayload(new Uint8Array(300))).toThrow(MalformedFrameError);
  });
});

describe('frame codec: properties', () => {
  it('decodes what it encodes, for random valid frames, whatever the chunking', () => {
    fc.assert(
      fc.property(fc.array(frameArbitrary, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }), (frames, cuts) => {
        const wire = Buffer.concat(frames.map((frame) => encodeFrame(frame)));
        const positions = [...new Set(cuts.map((cut) => cut % wire.length))].sort((a, b) => a - b);
        const decoder = new FrameDecoder();
        const decoded: Frame[] = [];
        let start = 0;
        for (const end of [...positions, wire.length]) {
          decoded.push(...decoder.push(wire.subarray(start, end)));
          start = end;
        }
        decoder.end();
        expect(decoded).toEqual(frames);
        for (const frame of frames) expect(PAYLOAD_BUCKETS).toContain(encodeFrame(frame).length - 4);
      }),
      { numRuns: 200 },
    );
  });

  it('raises nothing but ProtocolError subclasses for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (bytes) => {
        try {
          decodeAll(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('raises nothing but ProtocolError subclasses for random payloads with a valid prefix and version', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 251 }), (body) => {
        try {
          decodeAll(rawFrame(body));
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('raises nothing but ProtocolError subclasses for mutated valid frames', () => {
    fc.assert(
      fc.property(frameArbitrary, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (frame, mutations) => {
        const wire = encodeFrame(frame);
        // Mutations land mostly in the header and body, where the interesting bytes are.
        const span = Math.min(wire.length, 200);
        for (const [position, value] of mutations) wire[position % span] = value;
        try {
          decodeAll(wire);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
