// Named errors of the QR encoder.

/** The text needs more than the largest supported version (10-M holds 213 bytes). */
export class QrCapacityError extends Error {
  override readonly name = 'QrCapacityError';
  constructor(readonly byteLength: number) {
    super(`${byteLength} bytes do not fit in a QR code up to version 10 at level M (at most 213 bytes)`);
  }
}
