// Signing in and out of one core with a real tor: overlapping unlocks run one tor, stop leaves none, bad settings lock no one out.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { waitFor } from '../../scripts/test/wait-for.js';
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

  it('runs tor without a bridge it refuses, says why, and still signs in afterwards', async () => {
    core = await createCore({ dataDir, env: { ...process.env, ALLIUM_TORRC_EXTRA: inject('testnetTorrcFile') }, kdf: FAST_KDF, log: () => undefined });
    const api = core.handlers;
    const [profile] = await api['profiles.list']({});
    if (profile === undefined) throw new Error('the profile of the first test is gone');
    await api['profiles.unlock']({ profileId: profile.id, password: PASSWORD });

    await api['settings.update']({ bridges: ['obfs4 not-an-address'] });
    const refusedWhileRunning = await waitFor(async () => {
      const status = await api['tor.status']({});
      return status.state === 'running' && status.settingsRefused !== undefined ? status : undefined;
    }, { what: 'tor running without the refused bridge', timeoutMs: 60_000 });
    expect(refusedWhileRunning.settingsRefused).toMatch(/not-an-address/);
    expect(await api['settings.get']({})).toMatchObject({ bridges: ['obfs4 not-an-address'] });

    // The line is still saved in the profile: signing in again must not fail on it.
    await api['profiles.lock']({});
    await api['profiles.unlock']({ profileId: profile.id, password: PASSWORD });
    expect(await api['tor.status']({})).toMatchObject({ settingsRefused: expect.stringMatching(/not-an-address/) as unknown });
    expect(torsUnder(dataDir)).toHaveLength(1);

    await api['settings.update']({ bridges: [] });
    await waitFor(async () => {
      const status = await api['tor.status']({});
      return status.state === 'running' && status.settingsRefused === undefined ? status : undefined;
    }, { what: 'tor running with the bridge removed and nothing refused', timeoutMs: 60_000 });
  });
});
