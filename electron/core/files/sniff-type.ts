// Names a file's type from its first bytes, never its name, and says whether the UI may preview it as media.
import { open } from 'node:fs/promises';

/** How the UI may show a file: as media from verified bytes, or only as a download. */
export type PreviewClass = 'image' | 'audio' | 'video' | 'none';

export interface SniffedType {
  readonly mime: string;
  readonly preview: PreviewClass;
}

/** Enough for every signature below, including an XML prolog and comments before `<svg`. */
export const SNIFF_BYTES = 4096;

export const UNKNOWN_TYPE: SniffedType = { mime: 'application/octet-stream', preview: 'none' };

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

/** Whether `head` holds `signature` at `offset`; `undefined` in a signature matches any byte. */
function has(head: Uint8Array, offset: number, signature: readonly (number | undefined)[]): boolean {
  if (head.length < offset + signature.length) return false;
  return signature.every((byte, i) => byte === undefined || head[offset + i] === byte);
}

function text(head: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...head.subarray(offset, offset + length));
}

/** ISO base media (MP4, MOV, HEIF, AVIF): the `ftyp` box's major brand and compatible brands. */
function ftypBrands(head: Uint8Array): string[] | undefined {
  if (!has(head, 4, ascii('ftyp'))) return undefined;
  const boxSize = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0);
  if (boxSize < 16) return undefined;
  const end = Math.min(boxSize, head.length);
  const brands = [text(head, 8, 4)];
  for (let offset = 16; offset + 4 <= end; offset += 4) brands.push(text(head, offset, 4));
  return brands;
}

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);
const MP4_AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'F4A ']);

function sniffIsoMedia(brands: readonly string[]): SniffedType {
  const [major] = brands;
  if (brands.some((b) => AVIF_BRANDS.has(b))) return { mime: 'image/avif', preview: 'image' };
  // Chromium decodes no HEIC: it is named correctly but offered as a download.
  if (major !== undefined && HEIF_BRANDS.has(major)) return { mime: 'image/heic', preview: 'none' };
  if (major === 'qt  ') return { mime: 'video/quicktime', preview: 'video' };
  if (major !== undefined && MP4_AUDIO_BRANDS.has(major)) return { mime: 'audio/mp4', preview: 'audio' };
  if (major?.startsWith('3g') === true) return { mime: 'video/3gpp', preview: 'none' };
  return { mime: 'video/mp4', preview: 'video' };
}

/** Matroska and WebM share the EBML header; its DocType, near the start, tells them apart. */
function sniffMatroska(head: Uint8Array): SniffedType {
  const start = text(head, 0, 64);
  if (start.includes('webm')) return { mime: 'video/webm', preview: 'video' };
  if (start.includes('matroska')) return { mime: 'video/x-matroska', preview: 'video' };
  return UNKNOWN_TYPE;
}

/** An Ogg stream's first page carries the codec's identification header at byte 28. */
function sniffOgg(head: Uint8Array): SniffedType {
  if (has(head, 28, [0x01, ...ascii('vorbis')]) || has(head, 28, ascii('OpusHead')) || has(head, 28, [0x7f, ...ascii('FLAC')])) {
    return { mime: 'audio/ogg', preview: 'audio' };
  }
  if (has(head, 28, [0x80, ...ascii('theora')])) return { mime: 'video/ogg', preview: 'video' };
  return { mime: 'application/ogg', preview: 'none' };
}

/** An MPEG-1/2 Layer III frame header: sync bits, a real version and layer, a valid bitrate and sample rate. */
function isMp3Frame(head: Uint8Array): boolean {
  const [b0, b1, b2] = head;
  if (b0 !== 0xff || b1 === undefined || b2 === undefined || (b1 & 0xe0) !== 0xe0) return false;
  const version = (b1 >> 3) & 0b11;
  const layer = (b1 >> 1) & 0b11;
  const bitrate = b2 >> 4;
  const sampleRate = (b2 >> 2) & 0b11;
  return version !== 0b01 && layer === 0b01 && bitrate !== 0 && bitrate !== 0b1111 && sampleRate !== 0b11;
}

const BYTE_ORDER_MARK_UTF8 = [0xef, 0xbb, 0xbf];

/** The first bytes as text, for markup: UTF-16 (with its byte-order mark) or else as Latin-1, which never fails. */
function markupText(head: Uint8Array): string {
  if (has(head, 0, [0xff, 0xfe])) return new TextDecoder('utf-16le').decode(head.subarray(2));
  if (has(head, 0, [0xfe, 0xff])) return new TextDecoder('utf-16be').decode(head.subarray(2));
  return text(head, has(head, 0, BYTE_ORDER_MARK_UTF8) ? 3 : 0, SNIFF_BYTES);
}

/** The tags browsers themselves take as HTML when they sniff (WHATWG MIME Sniffing, "identifying a resource with an unknown MIME type"). */
const HTML_START = /^<(!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)[\s>]/i;

/** SVG, HTML and XML: markup a browser would execute or render; never previewed, only offered as a download. */
function sniffMarkup(head: Uint8Array): SniffedType | undefined {
  const start = markupText(head).trimStart();
  if (!start.startsWith('<')) return undefined;
  const lower = start.toLowerCase();
  if (/<svg[\s>]/.test(lower)) return { mime: 'image/svg+xml', preview: 'none' };
  if (HTML_START.test(start) || /<html[\s>]/.test(lower)) return { mime: 'text/html', preview: 'none' };
  if (lower.startsWith('<?xml')) return { mime: 'application/xml', preview: 'none' };
  return undefined;
}

/** The type of a file from its first bytes (pass at least SNIFF_BYTES when the file has them). */
export function sniffType(head: Uint8Array): SniffedType {
  if (has(head, 0, [0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a])) return { mime: 'image/png', preview: 'image' };
  if (has(head, 0, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', preview: 'image' };
  if (has(head, 0, ascii('GIF87a')) || has(head, 0, ascii('GIF89a'))) return { mime: 'image/gif', preview: 'image' };
  if (has(head, 0, ascii('RIFF')) && has(head, 8, ascii('WEBP'))) return { mime: 'image/webp', preview: 'image' };
  if (has(head, 0, ascii('RIFF')) && has(head, 8, ascii('WAVE'))) return { mime: 'audio/wav', preview: 'audio' };
  const brands = ftypBrands(head);
  if (brands !== undefined) return sniffIsoMedia(brands);
  if (has(head, 0, [0x1a, 0x45, 0xdf, 0xa3])) return sniffMatroska(head);
  if (has(head, 0, ascii('OggS'))) return sniffOgg(head);
  if (has(head, 0, ascii('fLaC'))) return { mime: 'audio/flac', preview: 'audio' };
  if (has(head, 0, ascii('ID3')) || isMp3Frame(head)) return { mime: 'audio/mpeg', preview: 'audio' };
  if (has(head, 0, ascii('%PDF-'))) return { mime: 'application/pdf', preview: 'none' };
  if (has(head, 0, [...ascii('PK'), 0x03, 0x04]) || has(head, 0, [...ascii('PK'), 0x05, 0x06])) return { mime: 'application/zip', preview: 'none' };
  return sniffMarkup(head) ?? UNKNOWN_TYPE;
}

/** Reads the first SNIFF_BYTES of a file and sniffs them. */
export async function sniffFileType(path: string): Promise<SniffedType> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return sniffType(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
