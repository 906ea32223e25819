// The disk's price for one durable file replacement (write, fsync, rename, fsync the folder), measured where the
// profiles live: Allium's round trip waits for several of these, so the figure explains runs on slow disks.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { summarize, type LatencySummary } from './latency.js';

const FILE_BYTES = 10 * 1024;

async function syncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function measureDurableWrites(dir: string, count: number): Promise<LatencySummary> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const target = join(dir, 'state');
  const temp = join(dir, 'state.tmp');
  const bytes = randomBytes(FILE_BYTES);
  const samples: number[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const started = performance.now();
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
      await syncPath(dir, 'r');
      samples.push(performance.now() - started);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return summarize(samples);
}
