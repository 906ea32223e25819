// Whether an offered file may be fetched without asking: under the automatic size, within its sender's and everyone's daily budget, with room left on the disk.
import { mkdir, statfs } from 'node:fs/promises';
import type { FileProblem, StoredFile } from '../../store/index.js';

/** The window the budgets count over. */
export const BUDGET_WINDOW_MS = 24 * 60 * 60 * 1_000;
/** One sender's files taken in one window without asking: this many times the automatic size (200 MiB at 25 MiB). */
export const SENDER_BUDGET_FACTOR = 8;
/** Everyone's files together in one window: this many times the automatic size (800 MiB at 25 MiB). */
export const TOTAL_BUDGET_FACTOR = 32;
/** A file is fetched without asking only if this much space stays free after it. */
export const FREE_SPACE_RESERVE_BYTES = 1024 * 1024 * 1024;

/** States of an incoming file whose bytes were (or are being) taken in. */
const TAKEN: ReadonlySet<StoredFile['state']> = new Set(['receiving', 'received', 'failed']);

/**
 * Why a file under the automatic size must still wait for a manual accept (`over-budget`), or undefined. Counted from
 * the stored files, so a restart forgets nothing: every incoming file taken in within the window, by size.
 */
export function budgetHold(files: readonly StoredFile[], from: string, size: number, autoAcceptBytes: number, now: number): Extract<FileProblem, 'over-budget'> | undefined {
  let sender = size;
  let total = size;
  for (const file of files) {
    if (file.direction !== 'in' || !TAKEN.has(file.state) || now - Date.parse(file.createdAt) >= BUDGET_WINDOW_MS) continue;
    total += file.size;
    if (file.from === from) sender += file.size;
  }
  return sender > SENDER_BUDGET_FACTOR * autoAcceptBytes || total > TOTAL_BUDGET_FACTOR * autoAcceptBytes ? 'over-budget' : undefined;
}

/** `low-disk` when fetching `size` bytes would leave less than the reserve free, or undefined. */
export async function diskHold(freeBytes: () => Promise<number>, size: number): Promise<Extract<FileProblem, 'low-disk'> | undefined> {
  return (await freeBytes()) - size < FREE_SPACE_RESERVE_BYTES ? 'low-disk' : undefined;
}

/** Bytes free for this user in the folder's filesystem (the folder is made if missing). */
export async function freeSpace(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}
