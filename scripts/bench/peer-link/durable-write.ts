// The disk's price for one durable file replacement (write, fsync, rename, fsync the folder), sampled where the
// profiles live and between the round-trip blocks: Allium's round trip waits for several of these, so the figure
// says how much of a slow run was the disk (other work on the machine changes it from minute to minute).
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

const FILE_BYTES = 10 * 1024;

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class DurableWriteProbe {
  readonly samples: number[] = [];
  readonly #dir: string;
  readonly #bytes = randomBytes(FILE_BYTES);

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Replaces a 10 KiB file durably `count` times, keeping each duration in ms. */
  async sample(count: number): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const target = join(this.#dir, 'state');
    const temp = join(this.#dir, 'state.tmp');
    for (let i = 0; i < count; i += 1) {
      const started = performance.now();
      const handle = await open(temp, 'w', 0o600);
      try {
        await handle.writeFile(this.#bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
      await syncPath(this.#dir);
      this.samples.push(performance.now() - started);
    }
  }

  async close(): Promise<void> {
    await rm(this.#dir, { recursive: true, force: true });
  }
}
