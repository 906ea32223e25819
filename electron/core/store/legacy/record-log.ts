// Old format, read only by the migration: an append-only log of sealed records (history's open segment, the state journal): a header, then length-prefixed records.

export const LOG_MAGIC = Buffer.from('ALHL\x01', 'latin1');
/**
 * A record is at most one message; anything claiming more is damage, not data. The largest message the schema allows
 * (a 200,000-character body, each character escaped to 6 bytes of JSON) seals to about 1.2 MB, so the bound sits above it.
 */
export const MAX_RECORD_BYTES = 2 * 1024 * 1024;
const LENGTH_BYTES = 4;

export function encodeRecord(sealed: Uint8Array): Buffer {
  const prefix = Buffer.alloc(LENGTH_BYTES);
  prefix.writeUInt32BE(sealed.length);
  return Buffer.concat([prefix, sealed]);
}

export type LogDecoding =
  | { ok: true; records: Buffer[]; /** Bytes that hold the header and whole records. */ validLength: number; tornBytes: number }
  | { ok: false; reason: string };

/**
 * Splits a log into its records, opening each with `open` (which throws when a record does not
 * authenticate). Appends are acknowledged only after fsync, so damage confined to the end of the
 * file is a record that was being written when the process died: it is reported as torn, to be
 * cut off. Damage followed by more data cannot come from a crash and is reported as corruption.
 */
export function decodeLog(bytes: Buffer, open: (sealed: Buffer, index: number) => Buffer, header: Buffer = LOG_MAGIC): LogDecoding {
  if (bytes.length < header.length) {
    return header.subarray(0, bytes.length).equals(bytes)
      ? { ok: true, records: [], validLength: 0, tornBytes: bytes.length }
      : { ok: false, reason: 'bad-magic' };
  }
  if (!bytes.subarray(0, header.length).equals(header)) return { ok: false, reason: 'bad-magic' };
  const records: Buffer[] = [];
  let offset = header.length;
  const torn = (): LogDecoding => ({ ok: true, records, validLength: offset, tornBytes: bytes.length - offset });
  while (offset < bytes.length) {
    if (bytes.length - offset < LENGTH_BYTES) return torn();
    const length = bytes.readUInt32BE(offset);
    const end = offset + LENGTH_BYTES + length;
    if (length === 0 || length > MAX_RECORD_BYTES) {
      return bytes.subarray(offset).every((b) => b === 0) ? torn() : { ok: false, reason: `impossible record length at byte ${String(offset)}` };
    }
    if (end > bytes.length) return torn();
    try {
      records.push(open(bytes.subarray(offset + LENGTH_BYTES, end), records.length));
    } catch {
      if (end === bytes.length) return torn();
      return { ok: false, reason: `record ${String(records.length)} does not authenticate` };
    }
    offset = end;
  }
  return { ok: true, records, validLength: offset, tornBytes: 0 };
}
