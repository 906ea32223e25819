// Password → key with scrypt; parameters travel with what they protect so they can be raised later.
import { randomBytes, scrypt } from 'node:crypto';
import { z } from 'zod';

export const scryptParamsSchema = z.object({
  name: z.literal('scrypt'),
  logN: z.number().int().min(1).max(24),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
});
export type ScryptParams = z.infer<typeof scryptParamsSchema>;

/** About 0.5 s and 128 MiB on the reference machine (2 cores); see docs/store.md. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { name: 'scrypt', logN: 17, r: 8, p: 1 };

export const SALT_BYTES = 16;

export function newSalt(): Buffer {
  return randomBytes(SALT_BYTES);
}

/** Derives a 256-bit key; runs on libuv's thread pool so the event loop keeps serving. */
export function deriveKey(password: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  const maxmem = 128 * N * params.r * params.p + 32 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, 32, { N, r: params.r, p: params.p, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/** Picks the largest N whose derivation stays near `targetMs` here, for choosing DEFAULT_SCRYPT_PARAMS anew. */
export async function tuneScrypt(targetMs: number, r = 8, p = 1): Promise<ScryptParams> {
  const probe: ScryptParams = { name: 'scrypt', logN: 14, r, p };
  const started = performance.now();
  await deriveKey('tuning', newSalt(), probe);
  const probeMs = Math.max(performance.now() - started, 1);
  const logN = Math.max(14, Math.min(22, probe.logN + Math.round(Math.log2(targetMs / probeMs))));
  return { name: 'scrypt', logN, r, p };
}
