// What the relay counts against its disk cap for each row besides an envelope's body: the row with its index entries, rounded up.

/** Bytes counted per row of each table (measured with SQLite's dbstat on filled tables, then rounded up). */
export const ROW_BYTES = {
  queue: 256,
  capability: 256,
  /** Besides the body itself. */
  message: 192,
  receipt: 256,
  blob: 256,
  /** Besides the signed listing's text. */
  listing: 256,
  removal: 192,
} as const;
