// What the relay counts against its disk cap for each row besides an envelope's body: the row with its index entries, rounded up.

/**
 * Bytes counted per row of each table, with its indexes: measured with SQLite's dbstat over 20 000 rows of each inserted in
 * random key order (pages about 70 % full, as on a relay), then rounded up: 160, 206, 393, 312, 242, 249 and 239 bytes.
 */
export const ROW_BYTES = {
  queue: 192,
  capability: 256,
  /** Besides the body itself. */
  message: 448,
  receipt: 320,
  blob: 256,
  /** Besides the signed listing's text. */
  listing: 256,
  removal: 256,
} as const;
