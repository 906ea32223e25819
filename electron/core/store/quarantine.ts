// Moves a damaged file aside under a dated name, so it is kept for inspection and never overwritten.
import { rename } from 'node:fs/promises';
import { syncDirectory } from './atomic-write.js';
import { dirname } from 'node:path';

export const CORRUPT_SUFFIX = '.corrupt-';

/** Returns the new path, or undefined when the file could not be moved (it then stays where it was). */
export async function moveAside(path: string, now: Date = new Date()): Promise<string | undefined> {
  const target = `${path}${CORRUPT_SUFFIX}${now.toISOString().replace(/[:.]/gu, '-')}`;
  try {
    await rename(path, target);
    await syncDirectory(dirname(path));
    return target;
  } catch {
    return undefined;
  }
}
