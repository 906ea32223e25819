// TorProcess.launch failures that need no real tor: a binary that cannot be started at all.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TorProcessError } from './errors.js';
import { TorProcess } from './tor-process.js';

describe('TorProcess.launch', () => {
  let torDir: string;
  beforeEach(async () => {
    torDir = await mkdtemp(join(tmpdir(), 'allium-tor-process-'));
  });
  afterEach(() => rm(torDir, { recursive: true, force: true }));

  it('rejects, rather than waiting forever, when the tor binary has gone since it was found', async () => {
    const launching = TorProcess.launch({ binary: { path: join(torDir, 'gone', 'tor'), source: 'env' }, torDir, extraLines: [] });
    const outcome = await Promise.race([
      launching.then(
        () => 'started',
        (error: unknown) => error,
      ),
      new Promise((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3_000)),
    ]);
    expect(outcome).toBeInstanceOf(TorProcessError);
    expect(String(outcome)).toMatch(/Could not start tor/);
  });
});
