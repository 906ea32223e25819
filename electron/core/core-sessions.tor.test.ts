// Signing in and out of one core with a real tor: overlapping and repeated unlocks run one tor, and stop leaves none.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCore, type Core } from './index.js';

const FAST_KDF = { name: 'scrypt', logN: 10, r: 8, p: 1 } as const;
const PASSWORD = 'orchid-lantern-91-velvet';

/** Pids of the tors this core started (their command lines name a torrc under its data folder). */
function torsUnder(dataDir: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', join(dataDir, 'tor')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('one core, sign-ins that overlap', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'allium-sessions-'));
  let core: Core | undefined;

  afterAll(async () => {
    await core?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts one tor for two overlapping unlocks and a third one later, keeps the profile open, and stops it', async () => {
    core = await createCore({ dataDir, env: { ...process.env, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') }, kdf: FAST_KDF, log: () => undefined });
    const api = core.handlers;
    const { id } = await api['profiles.create']({ label: 'Solo', nickname: 'Solo', password: PASSWORD });
    const [first, second] = await Promise.all([api['profiles.unlock']({ profileId: id, password: PASSWORD }), api['profiles.unlock']({ profileId: id, password: PASSWORD })]);
    expect(second.identity.address).toBe(first.identity.address);
    const again = await api['profiles.unlock']({ profileId: id, password: PASSWORD });
    expect(again.identity.address).toBe(first.identity.address);

    // Still open and working, not a session locked under the user's feet.
    await expect(api['identity.get']({})).resolves.toMatchObject({ address: first.identity.address });
    await expect(api['contacts.list']({})).resolves.toEqual([]);
    expect(torsUnder(dataDir)).toHaveLength(1);

    await core.stop();
    expect(torsUnder(dataDir)).toEqual([]);
  });
});
