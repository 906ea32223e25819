// Small real media for the screenshot core, made from code: a PNG picture and a WAV tone (no video: a WebM is not worth hand-writing).

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concat([new TextEncoder().encode(type), data]);
  return concat([u32(data.length), typed, u32(crc32(typed))]);
}

/** zlib around stored (uncompressed) deflate blocks: valid, if not small. */
function zlibStored(data: Uint8Array): Uint8Array {
  const blocks: Uint8Array[] = [Uint8Array.of(0x78, 0x01)];
  for (let offset = 0; offset < data.length || offset === 0; offset += 0xffff) {
    const part = data.subarray(offset, offset + 0xffff);
    const last = offset + 0xffff >= data.length ? 1 : 0;
    blocks.push(Uint8Array.of(last, part.length & 0xff, part.length >> 8, ~part.length & 0xff, (~part.length >> 8) & 0xff), part);
    if (last) break;
  }
  blocks.push(u32(adler32(data)));
  return concat(blocks);
}

/** A 240×160 RGB picture: an evening sky over hills, with a sun. */
export function landscapePng(width = 240, height = 160): Uint8Array<ArrayBuffer> {
  const rows = new Uint8Array((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const row = y * (width * 3 + 1);
    rows[row] = 0; // filter: none
    for (let x = 0; x < width; x += 1) {
      const hill = height * 0.62 + Math.sin(x / 23) * 12 + Math.sin(x / 7) * 3;
      const sun = Math.hypot(x - width * 0.7, y - height * 0.38) < 18;
      const t = y / height;
      const [r, g, b] = y > hill ? [46 + (y - hill) * 0.6, 110 - (y - hill) * 0.4, 60] : sun ? [255, 214, 120] : [250 - t * 120, 150 + t * 40, 120 + t * 110];
      rows.set([r, g, b].map((v) => Math.max(0, Math.min(255, Math.round(v)))), row + 1 + x * 3);
    }
  }
  const header = concat([u32(width), u32(height), Uint8Array.of(8, 2, 0, 0, 0)]);
  return concat([Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', header), chunk('IDAT', zlibStored(rows)), chunk('IEND', new Uint8Array(0))]);
}

/** A mono 16-bit WAV: a short falling three-note chime. */
export function chimeWav(seconds = 1.5, rate = 8_000): Uint8Array<ArrayBuffer> {
  const samples = Math.round(seconds * rate);
  const out = new Uint8Array(44 + samples * 2);
  const view = new DataView(out.buffer);
  const text = (offset: number, value: string): void => value.split('').forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples * 2, true);
  const notes = [784, 659, 523];
  for (let i = 0; i < samples; i += 1) {
    const note = notes[Math.min(notes.length - 1, Math.floor((i / samples) * notes.length))] ?? 523;
    const fade = 1 - ((i / samples) * notes.length) % 1;
    view.setInt16(44 + i * 2, Math.round(Math.sin((2 * Math.PI * note * i) / rate) * 9_000 * fade), true);
  }
  return out;
}
