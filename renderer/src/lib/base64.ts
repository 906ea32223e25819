// Base64 for the API's byte strings, with lookup tables: atob/btoa go through a string of one character per byte, slow for megabytes.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Int16Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index += 1) VALUES[ALPHABET.charCodeAt(index)] = index;

const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const PAD = 61; // '='

/** Standard base64 with padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  // The characters are written as ASCII bytes and turned into a string once, natively.
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let at = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    out[at] = CODES[a >> 2] ?? PAD;
    out[at + 1] = CODES[((a & 3) << 4) | (b >> 4)] ?? PAD;
    out[at + 2] = i + 1 < bytes.length ? (CODES[((b & 15) << 2) | (c >> 6)] ?? PAD) : PAD;
    out[at + 3] = i + 2 < bytes.length ? (CODES[c & 63] ?? PAD) : PAD;
    at += 4;
  }
  return new TextDecoder('ascii').decode(out);
}

/** Decodes standard base64 (padding optional); throws on any other character. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const clean = text.replace(/=+$/, '');
  if (clean.length % 4 === 1) throw new Error('Not base64: the length is wrong.');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let at = 0;
  for (let index = 0; index < clean.length; index += 1) {
    const code = clean.charCodeAt(index);
    const value = code < 128 ? (VALUES[code] ?? -1) : -1;
    if (value === -1) throw new Error(`Not base64: unexpected character at ${String(index)}.`);
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at] = (buffer >> bits) & 0xff;
      at += 1;
    }
  }
  return out;
}
