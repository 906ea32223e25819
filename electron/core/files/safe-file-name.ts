// Turns a file name chosen by someone else into one safe to create in a folder of ours, on any platform.

/** Below the 255-byte limit of common filesystems, leaving room for the ` (n)` of a collision and a temp prefix. */
export const DEFAULT_MAX_NAME_BYTES = 200;
export const DEFAULT_FILE_NAME = 'file';
/** A longer "extension" is part of the name: it is truncated with it instead of being kept whole. */
const MAX_EXTENSION_BYTES = 16;

export interface SafeFileNameOptions {
  /** Cap on the result in UTF-8 bytes, extension and collision suffix included. */
  readonly maxBytes?: number;
  /** The name used when nothing usable is left; must itself be safe. */
  readonly fallback?: string;
}

/**
 * Characters that never belong in a name: C0/C1 controls and DEL; bidi embeddings, overrides, isolates and
 * marks (U+061C, U+200E/F, U+202A–202E, U+2066–2069), which make `evil\u202Egpj.exe` look like `evilexe.jpg`;
 * line and paragraph separators; byte-order marks and interlinear annotations; lone surrogates. Zero-width
 * joiners stay: emoji sequences need them.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb\p{Cs}]/gu;
/** Reserved by Windows (`<>:"|?*`) or separators (`/`, `\`) anywhere. */
const RESERVED_CHARACTERS = /[<>:"/\\|?*]/g;
/** Device names Windows opens instead of a file, whatever the extension or case (`con.txt` is the console). */
const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

const encoder = new TextEncoder();
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/**
 * The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that does not split a visible character, or,
 * when even the first one is longer (a letter under a hundred combining marks), as many of its code points as fit.
 */
function truncateToBytes(text: string, maxBytes: number): string {
  let result = '';
  let bytes = 0;
  for (const { segment } of segmenter.segment(text)) {
    const size = utf8Length(segment);
    if (bytes + size > maxBytes) {
      if (result === '') for (const codePoint of segment) if ((bytes += utf8Length(codePoint)) <= maxBytes) result += codePoint;
      break;
    }
    result += segment;
    bytes += size;
  }
  return result;
}

/** Leading dots would hide the file (`.bashrc`); trailing dots and spaces are silently dropped by Windows. */
function trimEnds(text: string): string {
  return text.replace(/^[\s.]+/u, '').replace(/[\s.]+$/u, '');
}

function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { stem: name, extension: '' };
  const extension = name.slice(dot);
  if (utf8Length(extension) > MAX_EXTENSION_BYTES || /\s/u.test(extension)) return { stem: name, extension: '' };
  return { stem: name.slice(0, dot), extension };
}

function defuseDeviceName(stem: string): string {
  // Windows looks at the part before the first dot (`nul.tar.gz` is NUL) and ignores trailing spaces in it.
  const device = stem.split('.')[0] ?? '';
  return WINDOWS_DEVICE_NAME.test(device.trimEnd()) ? `_${stem}` : stem;
}

/** A stem cut to `maxBytes`; a cut that ends in dots or spaces loses them too (`name .pdf` must not end in ` `). */
function shorten(stem: string, maxBytes: number): string {
  const short = truncateToBytes(stem, maxBytes);
  return short === stem ? stem : short.replace(/[\s.]+$/u, '');
}

/** Joins a non-empty stem, an optional suffix and an extension within `maxBytes`, shortening the stem if needed. */
function assemble(stem: string, suffix: string, extension: string, maxBytes: number): string {
  // The extension goes before it leaves too little room for the name (only with a long suffix).
  const keepExtension = utf8Length(suffix + extension) + 8 <= maxBytes ? extension : '';
  const room = maxBytes - utf8Length(suffix + keepExtension);
  let shortStem = shorten(stem, room);
  if (defuseDeviceName(shortStem) !== shortStem) shortStem = defuseDeviceName(shorten(stem, room - 1));
  return `${shortStem}${suffix}${keepExtension}`;
}

function resolveOptions(options: SafeFileNameOptions): { maxBytes: number; fallback: string } {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_NAME_BYTES;
  const fallback = options.fallback ?? DEFAULT_FILE_NAME;
  // Room for a fallback, a defused device name and a collision suffix.
  if (!Number.isInteger(maxBytes) || maxBytes < 32) throw new RangeError(`maxBytes must be a whole number of at least 32 (got ${String(maxBytes)})`);
  if (fallback === '' || fallback !== safeName(fallback, maxBytes, 'file')) throw new RangeError(`the fallback name "${fallback}" is not itself safe`);
  return { maxBytes, fallback };
}

function safeName(raw: string, maxBytes: number, fallback: string): string {
  // Either separator counts: a name from a Windows sender splits on `\`, from anyone else on `/`.
  const base = raw.split(/[/\\]/).pop() ?? '';
  // Normalized after the removal, which can bring a combining mark next to a letter it composes with.
  const cleaned = trimEnds(base.replace(FORBIDDEN_CHARACTERS, '').replace(RESERVED_CHARACTERS, '').normalize('NFC'));
  // The stem is empty only when nothing at all is left: the cleaned name starts with neither a dot nor a space.
  const { stem, extension } = splitExtension(cleaned);
  return assemble(stem === '' ? fallback : stem, '', extension, maxBytes);
}

/**
 * The base name of `raw` with forbidden and reserved characters removed, Windows device names defused, no
 * leading dots, no trailing dots or spaces, at most `maxBytes` UTF-8 bytes (the extension kept when it fits),
 * and never empty.
 */
export function safeFileName(raw: string, options: SafeFileNameOptions = {}): string {
  const { maxBytes, fallback } = resolveOptions(options);
  return safeName(raw, maxBytes, fallback);
}

/** How names compare on case-insensitive filesystems (Windows, macOS) that also fold Unicode normalization. */
function collisionKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * `safeFileName(raw)`, or the first of `name (2).ext`, `name (3).ext`… that is not among `taken` (compared
 * the way a case-insensitive filesystem would), still within the byte cap.
 */
export function uniqueFileName(raw: string, taken: Iterable<string>, options: SafeFileNameOptions = {}): string {
  const { maxBytes, fallback } = resolveOptions(options);
  const name = safeName(raw, maxBytes, fallback);
  const used = new Set(Array.from(taken, collisionKey));
  if (!used.has(collisionKey(name))) return name;
  const { stem, extension } = splitExtension(name);
  for (let n = 2; ; n++) {
    const candidate = assemble(stem, ` (${String(n)})`, extension, maxBytes);
    if (!used.has(collisionKey(candidate))) return candidate;
  }
}
