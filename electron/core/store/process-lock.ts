// Keeps a profile open in one process at a time: two writers on one history log would corrupt it.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { ProfileInUseError } from './errors.js';

const LOCK_FILE = 'session.lock';

/**
 * Who holds the lock. A pid alone is reused: after a crash and a reboot, a lock's pid can belong to some other
 * program, which would keep the profile "in use" for as long as that program runs. Where the system says (Linux),
 * the boot id and the process's start time tell that program apart from the Allium that wrote the lock.
 */
interface Holder {
  readonly pid: number;
  readonly bootId?: string;
  readonly startTicks?: string;
}

async function readOptional(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  );
}

/** The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), where there is a /proc. */
async function startTicksOf(pid: number): Promise<string | undefined> {
  const stat = await readOptional(`/proc/${String(pid)}/stat`);
  // The command name (field 2) may hold spaces and parentheses: count fields from after its closing one.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

async function currentHolder(): Promise<Holder> {
  const bootId = await readOptional('/proc/sys/kernel/random/boot_id');
  const startTicks = await startTicksOf(process.pid);
  return { pid: process.pid, ...(bootId === undefined ? {} : { bootId }), ...(startTicks === undefined ? {} : { startTicks }) };
}

/** Lines: pid, then boot id and start ticks when known (a lock from before they were written has the pid only). */
function encodeHolder(holder: Holder): string {
  return `${[String(holder.pid), holder.bootId ?? '', holder.startTicks ?? ''].join('\n')}\n`;
}

function decodeHolder(text: string): Holder | undefined {
  const [pid, bootId, startTicks] = text.split('\n');
  const parsed = Number.parseInt(pid ?? '', 10);
  if (!Number.isInteger(parsed) || parsed <= 0) return undefined;
  return { pid: parsed, ...(bootId ? { bootId } : {}), ...(startTicks ? { startTicks } : {}) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process that wrote the lock still runs. Unsure counts as running: two writers would corrupt the profile. */
async function stillRunning(holder: Holder, me: Holder): Promise<boolean> {
  if (holder.pid === me.pid || !isAlive(holder.pid)) return false;
  if (holder.bootId !== undefined && me.bootId !== undefined && holder.bootId !== me.bootId) return false;
  if (holder.startTicks === undefined) return true;
  const now = await startTicksOf(holder.pid);
  return now === undefined || now === holder.startTicks;
}

/** Takes the profile's lock (taking over one left by a process that is gone); resolves to its release. */
export async function acquireProcessLock(profileDir: string): Promise<() => Promise<void>> {
  const path = join(profileDir, LOCK_FILE);
  const me = await currentHolder();
  const mine = encodeHolder(me);
  try {
    const handle = await open(path, 'wx', 0o600);
    await handle.writeFile(mine);
    await handle.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = decodeHolder(await readFile(path, 'utf8').catch(() => ''));
    if (holder !== undefined && (await stillRunning(holder, me))) throw new ProfileInUseError(holder.pid);
    await writeFileAtomic(path, Buffer.from(mine));
  }
  return async () => {
    const holder = await readFile(path, 'utf8').catch(() => '');
    if (holder === mine) await rm(path, { force: true });
  };
}
