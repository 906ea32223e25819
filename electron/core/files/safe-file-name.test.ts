// Tests for safe file names: hostile names from the issue, Windows device names, byte caps, collisions, and a property.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_NAME_BYTES, safeFileName, uniqueFileName } from './safe-file-name.js';

const bytes = (text: string): number => new TextEncoder().encode(text).length;
// eslint-disable-next-line no-control-regex -- the property checks for exactly these
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/u;
const DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i;

describe('safeFileName', () => {
  it('keeps only the base name, and never a hidden dot file', () => {
    expect(safeFileName('../../.bashrc')).toBe('bashrc');
    expect(safeFileName('..\\..\\Windows\\System32\\evil.dll')).toBe('evil.dll');
    expect(safeFileName('/etc/passwd')).toBe('passwd');
    expect(safeFileName('..')).toBe('file');
    expect(safeFileName('dir/')).toBe('file');
  });

  it('removes a right-to-left override so the real extension shows', () => {
    expect(safeFileName('evil\u202Egpj.exe')).toBe('evilgpj.exe');
    expect(safeFileName('\u2067photo\u2069\u200F.jpg')).toBe('photo.jpg');
  });

  it('removes control characters and NUL bytes', () => {
    expect(safeFileName('a\u0000b\nc\r\td\u007f\u0085.txt')).toBe('abcd.txt');
    expect(safeFileName('report.pdf\u0000.exe')).toBe('report.pdf.exe');
    expect(safeFileName('\u0000\u0000')).toBe('file');
  });

  it('removes characters Windows reserves', () => {
    expect(safeFileName('a<b>c:d"e|f?g*h.txt')).toBe('abcdefgh.txt');
    expect(safeFileName('C:report.txt')).toBe('Creport.txt');
  });

  it('defuses Windows device names with any extension and any case', () => {
    expect(safeFileName('CON')).toBe('_CON');
    expect(safeFileName('con.txt')).toBe('_con.txt');
    expect(safeFileName('Nul.tar.gz')).toBe('_Nul.tar.gz');
    expect(safeFileName('com1')).toBe('_com1');
    expect(safeFileName('LPT9.log')).toBe('_LPT9.log');
    expect(safeFileName('AUX .txt')).toBe('_AUX .txt');
    expect(safeFileName('CONSOLE.txt')).toBe('CONSOLE.txt');
    expect(safeFileName('com10')).toBe('com10');
  });

  it('drops trailing dots and spaces, which Windows would drop silently', () => {
    expect(safeFileName('invoice.exe. . ')).toBe('invoice.exe');
    expect(safeFileName('  notes.txt  ')).toBe('notes.txt');
    expect(safeFileName('... ')).toBe('file');
  });

  it('caps a 300-character name in UTF-8 bytes and keeps its extension', () => {
    const name = safeFileName(`${'a'.repeat(300)}.pdf`);
    expect(bytes(name)).toBeLessThanOrEqual(DEFAULT_MAX_NAME_BYTES);
    expect(name).toMatch(/^a+\.pdf$/);
    const capped = safeFileName(`${'é'.repeat(300)}.txt`, { maxBytes: 64 });
    expect(bytes(capped)).toBeLessThanOrEqual(64);
    expect(capped).toMatch(/^é+\.txt$/);
  });

  it('treats an overlong "extension" as part of the name', () => {
    const name = safeFileName(`x.${'b'.repeat(300)}`, { maxBytes: 40 });
    expect(bytes(name)).toBeLessThanOrEqual(40);
    expect(name.startsWith('x.bbb')).toBe(true);
  });

  it('never splits an emoji when it shortens a name', () => {
    const family = '👨‍👩‍👧';
    expect(safeFileName(`${family} party.jpg`)).toBe(`${family} party.jpg`);
    const name = safeFileName(`${family.repeat(40)}.png`, { maxBytes: 64 });
    expect(bytes(name)).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^(👨‍👩‍👧)+\.png$/u);
  });

  it('keeps right-to-left names that carry no control characters', () => {
    expect(safeFileName('تقرير.pdf')).toBe('تقرير.pdf');
    expect(safeFileName('שלום עולם.txt')).toBe('שלום עולם.txt');
  });

  it('cuts even a single character built of hundreds of combining marks', () => {
    const name = safeFileName(`x${'\u0301'.repeat(500)}.txt`, { maxBytes: 40 });
    expect(bytes(name)).toBeLessThanOrEqual(40);
    expect(name.startsWith('x\u0301')).toBe(true);
    expect(name.endsWith('.txt')).toBe(true);
  });

  it('uses the fallback when nothing is left, keeping an extension', () => {
    expect(safeFileName('')).toBe('file');
    expect(safeFileName('\u202E', { fallback: 'download' })).toBe('download');
    expect(safeFileName('.exe')).toBe('exe');
  });

  it('refuses an unsafe fallback or a cap too small to work with', () => {
    expect(() => safeFileName('x', { fallback: '../x' })).toThrow(RangeError);
    expect(() => safeFileName('x', { maxBytes: 8 })).toThrow(RangeError);
  });

  it('never yields a separator, a control or bidi character, a device name or more than the cap', () => {
    const cap = fc.integer({ min: 32, max: 255 });
    const hostile = fc.constantFrom('/', '\\', '.', ' ', '\u0000', '\u202E', '\u2066', '\u200F', 'CON', 'nul', '..', ':', '🙂', 'ع', 'é', '\u0301', '\ud800');
    const raw = fc.array(fc.oneof(fc.string({ unit: 'binary' }), hostile), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(raw, cap, (input, maxBytes) => {
        const name = safeFileName(input, { maxBytes });
        expect(name).not.toMatch(/[/\\<>:"|?*]/);
        expect(name).not.toMatch(CONTROL_OR_BIDI);
        expect(name).not.toMatch(/\p{Cs}/u);
        expect(bytes(name)).toBeLessThanOrEqual(maxBytes);
        expect(name.length).toBeGreaterThan(0);
        expect(name).not.toMatch(/^[.\s]|[.\s]$/u);
        expect(name.split('.')[0]!.trimEnd()).not.toMatch(DEVICE);
        expect(safeFileName(name, { maxBytes })).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('uniqueFileName', () => {
  it('adds (2), (3)… before the extension on a collision, ignoring case', () => {
    expect(uniqueFileName('photo.jpg', [])).toBe('photo.jpg');
    expect(uniqueFileName('photo.jpg', ['photo.jpg'])).toBe('photo (2).jpg');
    expect(uniqueFileName('photo.jpg', ['PHOTO.JPG', 'photo (2).jpg'])).toBe('photo (3).jpg');
    expect(uniqueFileName('README', ['readme'])).toBe('README (2)');
    expect(uniqueFileName('../CON', ['_CON'])).toBe('_CON (2)');
  });

  it('compares names in one Unicode normalization form', () => {
    expect(uniqueFileName('café.txt', ['cafe\u0301.txt'])).toBe('café (2).txt');
  });

  it('keeps a suffixed name within the cap', () => {
    const long = `${'a'.repeat(300)}.pdf`;
    const first = uniqueFileName(long, [], { maxBytes: 50 });
    const second = uniqueFileName(long, [first], { maxBytes: 50 });
    expect(bytes(second)).toBeLessThanOrEqual(50);
    expect(second).toMatch(/^a+ \(2\)\.pdf$/);
  });
});
