// Tests for export and import: the same identity and contacts on a fresh folder; wrong passphrase and damage named.
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeBackup } from './backup-file.js';
import { DamagedBackupError, UnsupportedFormatError, WeakPasswordError, WrongBackupPassphraseError, createProfileStore, type ProfileSession } from './index.js';
import { FAST_KDF, GOOD_PASSWORD, contactRecord, tempRoot } from './test-fixtures.js';

const PASSPHRASE = 'backup-passphrase-sturdy-42';
const seed = randomBytes(32);
const signalPair = randomBytes(64);
let origin: string;
let destination: string;
let backupFile: string;

async function populate(session: ProfileSession): Promise<void> {
  await session.state.setIdentity({ onionSeed: seed });
  session.state.putSignalRecord('local', 'identity-key-pair', signalPair);
  await session.state.putContact(contactRecord({ address: 'ravenna.onion', nickname: 'Ravenna', verified: true, delivery: 'relay' }));
  await session.state.updateSettings({ notifications: { enabled: false, showContent: false } });
  const history = await session.history('ravenna.onion');
  await history.appendMany(Array.from({ length: 2500 }, (_, i) => ({ id: `m${String(i)}`, direction: 'in' as const, kind: 'text', body: `hello ${String(i)}`, sentAt: i, storedAt: i })));
}

beforeEach(async () => {
  origin = await tempRoot();
  destination = await tempRoot();
  backupFile = join(origin, 'profile.allium-backup');
});
afterEach(async () => {
  await rm(origin, { recursive: true, force: true });
  await rm(destination, { recursive: true, force: true });
});

describe('backup', () => {
  it('restores the same identity, contacts, settings and history on a fresh folder', async () => {
    const source = createProfileStore({ rootDir: origin, kdf: FAST_KDF });
    const session = await source.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD, label: 'Home' });
    await populate(session);
    await session.exportBackup({ file: backupFile, passphrase: PASSPHRASE, includeHistory: true });
    await source.close();

    const target = createProfileStore({ rootDir: destination, kdf: FAST_KDF });
    const restored = await target.importBackup({ file: backupFile, passphrase: PASSPHRASE, password: 'a-new-machine-password-9' });
    expect(restored.profile.label).toBe('Home');
    expect(restored.state.nickname).toBe('Zebulon');
    expect(restored.state.identity).toEqual({ onionSeed: new Uint8Array(seed) });
    expect(restored.state.signalRecord('local', 'identity-key-pair')).toEqual(new Uint8Array(signalPair));
    expect(restored.state.contacts()).toEqual([expect.objectContaining({ address: 'ravenna.onion', nickname: 'Ravenna', verified: true, delivery: 'relay' })]);
    expect(restored.state.settings.notifications).toEqual({ enabled: false, showContent: false });
    expect(await restored.conversations()).toEqual(['ravenna.onion']);
    const page = await (await restored.history('ravenna.onion')).page({ limit: 3 });
    expect(page.messages.map((m) => m.id)).toEqual(['m2499', 'm2498', 'm2497']);
    await restored.lock();
    const unlocked = await target.unlock(restored.profile.id, 'a-new-machine-password-9');
    expect(unlocked.state.identity.onionSeed).toEqual(new Uint8Array(seed));
    await target.close();
  });

  it('shows a restored profile only once its history is in, so a crash mid-import never leaves half a profile', async () => {
    const source = createProfileStore({ rootDir: origin, kdf: FAST_KDF });
    await populate(await source.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD }));
    const [session] = (await source.listProfiles()).profiles;
    const data = await (await source.unlock(session!.id, GOOD_PASSWORD)).exportBackup({ passphrase: PASSPHRASE, includeHistory: true });
    await source.close();

    const target = createProfileStore({ rootDir: destination, kdf: FAST_KDF });
    const profiles = join(destination, 'profiles');
    const crashed = join(origin, 'crashed');
    let settled = false;
    const importing = target.importBackup({ data, passphrase: PASSPHRASE, password: GOOD_PASSWORD }).finally(() => (settled = true));
    // The moment the profile appears under its own name, copy the folder: what a crash at that instant would leave.
    while (!settled && !(existsSync(profiles) && readdirSync(profiles).some((name) => !name.startsWith('.')))) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    cpSync(profiles, join(crashed, 'profiles'), { recursive: true });
    await importing;
    await target.close();

    const afterCrash = createProfileStore({ rootDir: crashed, kdf: FAST_KDF });
    const [restored] = (await afterCrash.listProfiles()).profiles;
    const history = await (await afterCrash.unlock(restored!.id, GOOD_PASSWORD)).history('ravenna.onion');
    expect((await history.page({ limit: 5000 })).messages).toHaveLength(2500);
    await afterCrash.close();
  });

  it('hands out the backup as bytes and takes it back as bytes', async () => {
    const source = createProfileStore({ rootDir: origin, kdf: FAST_KDF });
    const session = await source.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await session.state.setIdentity({ onionSeed: seed });
    const data = await session.exportBackup({ passphrase: PASSPHRASE, includeHistory: false });
    await source.close();
    const target = createProfileStore({ rootDir: destination, kdf: FAST_KDF });
    const restored = await target.importBackup({ data: new Uint8Array(data), passphrase: PASSPHRASE, password: GOOD_PASSWORD, label: 'Moved' });
    expect(restored.profile.label).toBe('Moved');
    expect(restored.state.identity.onionSeed).toEqual(new Uint8Array(seed));
    await target.close();
  });

  it('leaves history out unless asked', async () => {
    const source = createProfileStore({ rootDir: origin, kdf: FAST_KDF });
    const session = await source.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await populate(session);
    await session.exportBackup({ file: backupFile, passphrase: PASSPHRASE, includeHistory: false });
    await expect(session.exportBackup({ file: backupFile, passphrase: 'weak', includeHistory: false })).rejects.toThrow(WeakPasswordError);
    await source.close();
    const contents = await decodeBackup(await readFile(backupFile), PASSPHRASE);
    expect(contents.history).toBeNull();
    expect((await readFile(backupFile)).includes(Buffer.from('Ravenna'))).toBe(false);
  });

  describe('refusals', () => {
    let bytes: Buffer;
    beforeEach(async () => {
      const source = createProfileStore({ rootDir: origin, kdf: FAST_KDF });
      const session = await source.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
      await session.exportBackup({ file: backupFile, passphrase: PASSPHRASE, includeHistory: false });
      await source.close();
      bytes = await readFile(backupFile);
    });

    it('refuses a wrong passphrase and creates no profile', async () => {
      const target = createProfileStore({ rootDir: destination, kdf: FAST_KDF });
      await expect(target.importBackup({ file: backupFile, passphrase: 'not-the-passphrase-1', password: GOOD_PASSWORD })).rejects.toThrow(WrongBackupPassphraseError);
      expect((await target.listProfiles()).profiles).toEqual([]);
    });

    it('refuses a truncated, foreign or altered file as damaged', async () => {
      await expect(decodeBackup(bytes.subarray(0, 3), PASSPHRASE)).rejects.toThrow(DamagedBackupError);
      await expect(decodeBackup(Buffer.from('PK\x03\x04 a zip file, not a backup'), PASSPHRASE)).rejects.toThrow(/not an Allium backup/u);
      const badHeader = Buffer.from(bytes);
      badHeader[12] = 0x7b;
      await expect(decodeBackup(badHeader, PASSPHRASE)).rejects.toThrow(DamagedBackupError);
      const damagedFile = join(destination, 'damaged');
      await writeFile(damagedFile, bytes.subarray(0, bytes.length - 200));
      const target = createProfileStore({ rootDir: destination, kdf: FAST_KDF });
      await expect(target.importBackup({ file: damagedFile, passphrase: PASSPHRASE, password: GOOD_PASSWORD })).rejects.toThrow(/backup/u);
    });

    it('answers any mutation with a named error', async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
          const mutated = Buffer.from(bytes);
          mutated[at] = mutated[at]! ^ xor;
          const error = await decodeBackup(mutated, PASSPHRASE).then(() => undefined, (e: unknown) => e);
          expect([DamagedBackupError, WrongBackupPassphraseError, UnsupportedFormatError].some((named) => error instanceof named)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });
  });
});
