// Small real media files made from bytes, for sending through the terminal client: a PNG, a WAV tone and a WebM of several blocks.
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { sineWav } from '../../../scripts/e2e/journey-media.js';

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGB PNG of noise (so it does not compress away), `size` pixels square: decodable by any viewer. */
export function noisePng(size = 160): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter method, no interlace
  const rows = Buffer.concat(Array.from({ length: size }, () => Buffer.concat([Buffer.from([0]), randomBytes(size * 3)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

export function toneWav(): Buffer {
  return sineWav('tone.wav', 523, 2).buffer;
}

/** An EBML element: id bytes, an 8-byte size, the body. */
function element(id: readonly number[], body: Buffer): Buffer {
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length) | (1n << 56n));
  return Buffer.concat([Buffer.from(id), size, body]);
}
const uint = (id: readonly number[], value: number): Buffer => element(id, Buffer.from([value >> 8, value & 0xff]));
const text = (id: readonly number[], value: string): Buffer => element(id, Buffer.from(value, 'ascii'));

/** A WebM (Matroska, DocType webm) with one VP8 track and `blocks` blocks of 64 KiB: above 1 MiB, so it takes several upload chunks. */
export function blockWebm(blocks = 20): Buffer {
  const ebml = element([0x1a, 0x45, 0xdf, 0xa3], Buffer.concat([uint([0x42, 0x86], 1), uint([0x42, 0xf7], 1), uint([0x42, 0xf2], 4), uint([0x42, 0xf3], 8), text([0x42, 0x82], 'webm'), uint([0x42, 0x87], 2), uint([0x42, 0x85], 2)]));
  const info = element([0x15, 0x49, 0xa9, 0x66], Buffer.concat([element([0x2a, 0xd7, 0xb1], Buffer.from([0x0f, 0x42, 0x40])), text([0x4d, 0x80], 'allium-test'), text([0x57, 0x41], 'allium-test')]));
  const video = element([0xe0], Buffer.concat([uint([0xb0], 16), uint([0xba], 16)]));
  const track = element([0xae], Buffer.concat([uint([0xd7], 1), uint([0x73, 0xc5], 1), uint([0x83], 1), text([0x86], 'V_VP8'), video]));
  const tracks = element([0x16, 0x54, 0xae, 0x6b], track);
  const simpleBlocks = Array.from({ length: blocks }, (_, i) => element([0xa3], Buffer.concat([Buffer.from([0x81, 0x00, i * 40, 0x80]), randomBytes(64 * 1024)])));
  const cluster = element([0x1f, 0x43, 0xb6, 0x75], Buffer.concat([uint([0xe7], 0), ...simpleBlocks]));
  return Buffer.concat([ebml, element([0x18, 0x53, 0x80, 0x67], Buffer.concat([info, tracks, cluster]))]);
}
