// The core's utility-process entry, run in a real child process: it serves the API on a port main hands over and exits cleanly when told to stop.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const driver = join(import.meta.dirname, 'test', 'utility-entry-driver.ts');

describe('core utility entry', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'allium-core-entry-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers a call over the handed-over port, ignores unknown control messages and exits 0 on stop', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', driver], { env: { ...process.env, ALLIUM_DATA_DIR: dataDir }, encoding: 'utf8', timeout: 15_000 });
    expect(run.stdout).toContain('reply {"t":"res","id":1,"ok":true,"result":null}');
    expect(run.stderr).toContain('ignored an unknown message from main');
    expect(run.status).toBe(0);
  });

  it('refuses to start without the data folder main passes', () => {
    const env = { ...process.env };
    delete env.ALLIUM_DATA_DIR;
    const run = spawnSync(process.execPath, ['--import', 'tsx', driver], { env, encoding: 'utf8', timeout: 15_000 });
    expect(run.stderr).toContain('ALLIUM_DATA_DIR is not set');
    expect(run.status).toBe(1);
  });
});
