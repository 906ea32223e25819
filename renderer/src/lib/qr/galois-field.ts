// Reed–Solomon error correction over GF(2^8) with QR's polynomial x^8 + x^4 + x^3 + x^2 + 1 (ISO/IEC 18004 §7.5.2).

const PRIMITIVE = 0x11d;

/** Multiplies in GF(2^8), bit by bit, so no tables are needed. */
export function gfMultiply(x: number, y: number): number {
  let product = 0;
  for (let bit = 7; bit >= 0; bit -= 1) {
    product = (product << 1) ^ ((product >>> 7) * PRIMITIVE);
    product ^= ((y >>> bit) & 1) * x;
  }
  return product;
}

/** The generator polynomial (x − α^0)…(x − α^(degree−1)), leading 1 omitted, highest power first. */
export function generatorPolynomial(degree: number): number[] {
  const coefficients = new Array<number>(degree).fill(0);
  coefficients[degree - 1] = 1;
  let root = 1;
  for (let step = 0; step < degree; step += 1) {
    for (let index = 0; index < degree; index += 1) {
      coefficients[index] = gfMultiply(coefficients[index] ?? 0, root) ^ (coefficients[index + 1] ?? 0);
    }
    root = gfMultiply(root, 0x02);
  }
  return coefficients;
}

/** The error correction codewords for one block: the remainder of data·x^degree divided by the generator. */
export function errorCorrection(data: readonly number[], degree: number): number[] {
  const generator = generatorPolynomial(degree);
  const remainder = new Array<number>(degree).fill(0);
  for (const byte of data) {
    const factor = byte ^ (remainder.shift() ?? 0);
    remainder.push(0);
    for (let index = 0; index < degree; index += 1) remainder[index] = (remainder[index] ?? 0) ^ gfMultiply(generator[index] ?? 0, factor);
  }
  return remainder;
}
