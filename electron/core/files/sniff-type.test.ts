// Tests for type sniffing: real minimal headers of each format, markup that must never render, and names that lie.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sniffFileType, sniffType } from './sniff-type.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? Array.from(part, (c) => c.charCodeAt(0)) : part)));
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
/** An ISO base media `ftyp` box with a major brand, minor version 0 and compatible brands. */
const ftyp = (major: string, ...compatible: string[]): Uint8Array => bytes(u32(16 + 4 * compatible.length), 'ftyp', major, u32(0), ...compatible);
/** An Ogg first page header (27 bytes + a one-entry segment table) followed by a codec's identification packet. */
const ogg = (packet: (string | number[])[]): Uint8Array => bytes('OggS', [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 30], ...packet);

describe('sniffType', () => {
  it.each([
    ['PNG', bytes([0x89], 'PNG\r\n', [0x1a, 0x0a], u32(13), 'IHDR'), 'image/png', 'image'],
    ['JPEG (JFIF)', bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0]), 'image/jpeg', 'image'],
    ['GIF89a', bytes('GIF89a', [1, 0, 1, 0, 0, 0, 0]), 'image/gif', 'image'],
    ['GIF87a', bytes('GIF87a', [1, 0, 1, 0]), 'image/gif', 'image'],
    ['WebP', bytes('RIFF', [0x1a, 0, 0, 0], 'WEBPVP8 '), 'image/webp', 'image'],
    ['AVIF', ftyp('avif', 'mif1', 'miaf'), 'image/avif', 'image'],
    ['AVIF under a generic HEIF brand', ftyp('mif1', 'avif', 'miaf'), 'image/avif', 'image'],
    ['HEIC', ftyp('heic', 'mif1', 'heic'), 'image/heic', 'none'],
    ['MP4', ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'), 'video/mp4', 'video'],
    ['MP4 (mp42)', ftyp('mp42', 'mp42', 'isom'), 'video/mp4', 'video'],
    ['M4A', ftyp('M4A ', 'M4A ', 'mp42', 'isom'), 'audio/mp4', 'audio'],
    ['MOV', ftyp('qt  ', 'qt  '), 'video/quicktime', 'video'],
    ['WebM', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], 'webm', [0x42, 0x87, 0x81, 0x04]), 'video/webm', 'video'],
    ['Matroska', bytes([0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x82, 0x88], 'matroska', [0x42, 0x87, 0x81, 0x04]), 'video/x-matroska', 'video'],
    ['Ogg Vorbis', ogg([[0x01], 'vorbis', [0, 0, 0, 0, 2]]), 'audio/ogg', 'audio'],
    ['Ogg Opus', ogg(['OpusHead', [1, 2]]), 'audio/ogg', 'audio'],
    ['Ogg Theora', ogg([[0x80], 'theora', [3, 2, 1]]), 'video/ogg', 'video'],
    ['Ogg of an unknown codec', ogg(['Speex   ']), 'application/ogg', 'none'],
    ['MP3 with an ID3v2 tag', bytes('ID3', [4, 0, 0, 0, 0, 0, 0]), 'audio/mpeg', 'audio'],
    ['MP3 frame (MPEG-1 Layer III, 128 kbit/s, 44.1 kHz)', bytes([0xff, 0xfb, 0x90, 0x64, 0, 0]), 'audio/mpeg', 'audio'],
    ['WAV', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ', [16, 0, 0, 0, 1, 0]), 'audio/wav', 'audio'],
    ['FLAC', bytes('fLaC', [0x80, 0, 0, 0x22]), 'audio/flac', 'audio'],
    ['PDF', utf8('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj'), 'application/pdf', 'none'],
    ['ZIP', bytes('PK', [3, 4, 20, 0, 0, 0, 8, 0]), 'application/zip', 'none'],
    ['empty ZIP', bytes('PK', [5, 6], Array<number>(18).fill(0)), 'application/zip', 'none'],
  ])('%s', (_name, head, mime, preview) => {
    expect(sniffType(head)).toEqual({ mime, preview });
  });

  it('never previews SVG, however it starts', () => {
    expect(sniffType(utf8('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toEqual({ mime: 'image/svg+xml', preview: 'none' });
    expect(sniffType(utf8('\ufeff<?xml version="1.0"?>\n<!-- drawn by hand -->\n<!DOCTYPE svg>\n<svg onload="x()">'))).toEqual({ mime: 'image/svg+xml', preview: 'none' });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<svg>', 'utf16le')]);
    expect(sniffType(utf16)).toEqual({ mime: 'image/svg+xml', preview: 'none' });
  });

  it('never previews HTML, in any case or after whitespace', () => {
    expect(sniffType(utf8('<!DOCTYPE html><title>x</title>'))).toEqual({ mime: 'text/html', preview: 'none' });
    expect(sniffType(utf8('\n\n   <HTML><body onload=steal()>'))).toEqual({ mime: 'text/html', preview: 'none' });
    expect(sniffType(utf8('<script>fetch("//x")</script>'))).toEqual({ mime: 'text/html', preview: 'none' });
    expect(sniffType(utf8('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">'))).toEqual({ mime: 'text/html', preview: 'none' });
  });

  it('names other XML as XML, not to be rendered', () => {
    expect(sniffType(utf8('<?xml version="1.0"?><feed/>'))).toEqual({ mime: 'application/xml', preview: 'none' });
  });

  it('does not take an AAC stream or random bytes for MP3', () => {
    expect(sniffType(bytes([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]))).toEqual({ mime: 'application/octet-stream', preview: 'none' });
    expect(sniffType(bytes([0xff, 0xfb, 0xf0, 0x64]))).toEqual({ mime: 'application/octet-stream', preview: 'none' });
  });

  it('calls anything else, including nothing at all and truncated signatures, an unknown download', () => {
    for (const head of [new Uint8Array(0), bytes([0x89], 'PN'), bytes('RIFF', [0, 0, 0, 0]), utf8('just some text'), bytes(u32(8), 'ftyp')]) {
      expect(sniffType(head)).toEqual({ mime: 'application/octet-stream', preview: 'none' });
    }
  });
});

describe('sniffFileType', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('believes the bytes, not the name', async () => {
    dir = await mkdtemp(join(tmpdir(), 'allium-sniff-'));
    const holiday = join(dir, 'holiday.jpg');
    await writeFile(holiday, '<html><body><script>document.cookie</script></body></html>');
    expect(await sniffFileType(holiday)).toEqual({ mime: 'text/html', preview: 'none' });
    const invoice = join(dir, 'invoice.pdf.exe');
    await writeFile(invoice, bytes([0x89], 'PNG\r\n', [0x1a, 0x0a], Array<number>(10_000).fill(7)));
    expect(await sniffFileType(invoice)).toEqual({ mime: 'image/png', preview: 'image' });
    const empty = join(dir, 'song.mp3');
    await writeFile(empty, '');
    expect(await sniffFileType(empty)).toEqual({ mime: 'application/octet-stream', preview: 'none' });
  });
});
