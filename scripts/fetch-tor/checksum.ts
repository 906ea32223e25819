// SHA-256 of a file, streamed, and the check that refuses a mismatch.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ChecksumMismatchError } from './errors.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function verifySha256(path: string, expected: string): Promise<void> {
  const actual = await sha256File(path);
  if (actual !== expected.toLowerCase()) throw new ChecksumMismatchError(path, expected, actual);
}
