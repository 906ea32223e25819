// Keeps a profile open in one process at a time: two writers on one history log would corrupt it.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { ProfileInUseError } from './errors.js';

const LOCK_FILE = 'session.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the profile's lock (taking over one left by a dead process); resolves to its release. */
export async function acquireProcessLock(profileDir: string): Promise<() => Promise<void>> {
  const path = join(profileDir, LOCK_FILE);
  const mine = `${String(process.pid)}\n`;
  try {
    const handle = await open(path, 'wx', 0o600);
    await handle.writeFile(mine);
    await handle.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) throw new ProfileInUseError(holder);
    await writeFileAtomic(path, Buffer.from(mine));
  }
  return async () => {
    const holder = await readFile(path, 'utf8').catch(() => '');
    if (holder === mine) await rm(path, { force: true });
  };
}
