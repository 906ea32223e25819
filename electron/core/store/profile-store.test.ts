// Tests for profiles: sign up, list, unlock, wrong passwords, lock, change password, delete, damaged files.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CorruptFileError,
  InvalidDocumentError,
  MissingFileError,
  ProfileInUseError,
  ProfileLockedError,
  ProfileNotFoundError,
  TooManyAttemptsError,
  WeakPasswordError,
  WrongPasswordError,
  createProfileStore,
  type ProfileStore,
} from './index.js';
import { FAST_KDF, GOOD_PASSWORD, contactRecord, filesContaining, hashTree, outboxEntry, tempRoot } from './test-fixtures.js';

let root: string;
let store: ProfileStore;

beforeEach(async () => {
  root = await tempRoot();
  store = createProfileStore({ rootDir: root, kdf: FAST_KDF, unlockThrottle: { freeAttempts: 100, baseDelayMs: 1, maxDelayMs: 1 } });
});
afterEach(async () => {
  await store.close();
  await rm(root, { recursive: true, force: true });
});

const message = (id: string, body: string) => ({ id, direction: 'out' as const, kind: 'text', body, sentAt: 1, storedAt: 2 });

describe('profiles', () => {
  it('creates a profile and lists it by its label, never its nickname', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await store.createProfile({ nickname: 'Other', password: GOOD_PASSWORD, label: 'Work' });
    expect(session.state.nickname).toBe('Zebulon');
    const listing = await store.listProfiles();
    expect(listing.unreadable).toEqual([]);
    expect(listing.profiles.map((p) => p.label)).toEqual(['Profile 1', 'Work']);
    expect(listing.profiles[0]!.id).toBe(session.profile.id);
  });

  it('refuses a weak password with the reason and creates nothing', async () => {
    await expect(store.createProfile({ nickname: 'Zebulon', password: 'short' })).rejects.toThrow(WeakPasswordError);
    await expect(store.createProfile({ nickname: 'Zebulon', password: 'aaaaaaaaaaaa' })).rejects.toThrow(/single character/u);
    expect((await store.listProfiles()).profiles).toEqual([]);
  });

  it('refuses a wrong password with a clear error and changes nothing on disk', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await (await session.history('peer.onion')).append(message('m1', 'hello'));
    await session.lock();
    const before = await hashTree(root);
    const attempt = store.unlock(session.profile.id, 'not-the-password-at-all');
    await expect(attempt).rejects.toBeInstanceOf(WrongPasswordError);
    await expect(attempt).rejects.toThrow('The password is not correct');
    expect(await hashTree(root)).toBe(before);
  });

  it('slows down repeated wrong passwords', async () => {
    const slow = createProfileStore({ rootDir: root, kdf: FAST_KDF, unlockThrottle: { freeAttempts: 1, baseDelayMs: 150, maxDelayMs: 1000 } });
    const { profile } = await slow.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await expect(slow.unlock(profile.id, 'wrong-password-one')).rejects.toThrow(WrongPasswordError);
    await expect(slow.unlock(profile.id, GOOD_PASSWORD)).rejects.toThrow(TooManyAttemptsError);
    await sleep(160);
    expect((await slow.unlock(profile.id, GOOD_PASSWORD)).profile.id).toBe(profile.id);
    await slow.close();
  });

  it('writes no plaintext nickname, message, key, contact or password anywhere in the profile folder', async () => {
    const nickname = 'Zebulon Quuxworth';
    const text = 'the eagle lands at midnight';
    const seed = randomBytes(32);
    const contact = 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion';
    const session = await store.createProfile({ nickname, password: GOOD_PASSWORD });
    await session.state.setIdentity({ onionSeed: seed });
    await session.state.putContact(contactRecord({ address: contact, nickname: 'Ravenna' }));
    await (await session.history(contact)).append(message('m1', text));
    session.state.putSignalRecord('session', `${contact}.1`, seed.subarray(0, 16));
    await session.state.persist();
    await session.lock();
    for (const needle of [nickname, text, 'Ravenna', contact, GOOD_PASSWORD, seed, seed.toString('base64'), seed.toString('hex'), seed.subarray(0, 12)]) {
      expect(await filesContaining(root, needle)).toEqual([]);
    }
  });

  it('keeps every kind of state across lock and unlock', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    const seed = randomBytes(32);
    await session.state.setIdentity({ onionSeed: seed });
    await session.state.updateSettings({ defaultDelivery: 'relay', bridges: ['obfs4 1.2.3.4:443 X'], theme: 'dark' });
    await session.state.putContactRequest({ address: 'a.onion', direction: 'incoming', nickname: 'A', message: 'hi', at: new Date().toISOString(), status: 'pending', delivered: false, payload: Uint8Array.of(1, 2, 3) });
    await session.state.putOutboxEntry(outboxEntry({ id: 'o2', to: 'a.onion', createdAt: '2026-01-02T00:00:00.000Z', envelope: Uint8Array.of(2), seq: 2 }));
    await session.state.putOutboxEntry(outboxEntry({ id: 'o1', to: 'a.onion', createdAt: '2026-01-01T00:00:00.000Z', envelope: Uint8Array.of(1), attempts: 3, via: 'relay' }));
    session.state.putSignalRecord('session', 'a.onion.1', Uint8Array.of(9));
    session.state.putSignalRecord('identity', 'a.onion', Uint8Array.of(8));
    session.state.putSignalRecord('prekey', '7', Uint8Array.of(7));
    session.state.putSignalRecord('signed-prekey', '6', Uint8Array.of(6));
    session.state.putSignalRecord('kyber-prekey', '5', Uint8Array.of(5));
    session.state.deleteSignalRecord('prekey', '7');
    await session.state.persist();
    await session.lock();
    expect(() => session.state.contacts()).toThrow(ProfileLockedError);

    const again = await store.unlock(session.profile.id, GOOD_PASSWORD);
    expect(again.state.identity).toEqual({ onionSeed: new Uint8Array(seed) });
    expect(again.state.settings).toMatchObject({ defaultDelivery: 'relay', bridges: ['obfs4 1.2.3.4:443 X'], theme: 'dark' });
    expect(again.state.contactRequests()[0]!.payload).toEqual(Uint8Array.of(1, 2, 3));
    expect(again.state.outbox().map((o) => o.id)).toEqual(['o1', 'o2']);
    expect(again.state.signalRecordKeys('session')).toEqual(['a.onion.1']);
    expect(again.state.signalRecord('session', 'a.onion.1')).toEqual(Uint8Array.of(9));
    expect(again.state.signalRecord('identity', 'a.onion')).toEqual(Uint8Array.of(8));
    expect(again.state.signalRecordKeys('prekey')).toEqual([]);
    expect(again.state.signalRecord('signed-prekey', '6')).toEqual(Uint8Array.of(6));
    expect(again.state.signalRecord('kyber-prekey', '5')).toEqual(Uint8Array.of(5));
  });

  it('refuses a change that breaks the schema and keeps working with what is on disk', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await session.state.setNickname('Zeb');
    await expect(session.state.update((d) => (d.profile.nickname = ''))).rejects.toThrow(InvalidDocumentError);
    expect(session.state.nickname).toBe('Zeb');
    await session.state.setNickname('Zebulon II');
    await session.lock();
    expect((await store.unlock(session.profile.id, GOOD_PASSWORD)).state.nickname).toBe('Zebulon II');
  });

  it('changes the password without touching anything but vault.json', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await (await session.history('peer.onion')).append(message('m1', 'kept'));
    await expect(session.changePassword('wrong-password-xyz', 'another-fine-password-7')).rejects.toThrow(WrongPasswordError);
    await expect(session.changePassword(GOOD_PASSWORD, 'weak')).rejects.toThrow(WeakPasswordError);
    const dir = join(root, 'profiles', session.profile.id);
    const databaseBefore = await readFile(join(dir, 'profile.db'));
    await session.changePassword(GOOD_PASSWORD, 'another-fine-password-7');
    expect(await readFile(join(dir, 'profile.db'))).toEqual(databaseBefore);
    await session.lock();
    await expect(store.unlock(session.profile.id, GOOD_PASSWORD)).rejects.toThrow(WrongPasswordError);
    const again = await store.unlock(session.profile.id, 'another-fine-password-7');
    expect(again.state.nickname).toBe('Zebulon');
    expect((await (await again.history('peer.onion')).page({ limit: 5 })).messages.map((m) => m.body)).toEqual(['kept']);
  });

  it('a password change that overlaps a lock still leaves a vault that opens the profile', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    // The lock (the user locks or quits) runs while the change is still deriving keys, and wipes the data key.
    const changing = session.changePassword(GOOD_PASSWORD, 'another-fine-password-7');
    await session.lock();
    await changing;
    expect((await store.unlock(session.profile.id, 'another-fine-password-7')).state.nickname).toBe('Zebulon');
  });

  it('a lock whose last write fails still closes the profile, so it can be unlocked again', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await (await session.history('peer.onion')).append(message('m1', 'kept'));
    // A staged change that cannot be written (here the schema refuses it; a full disk does the same).
    session.state.stage((d) => (d.profile.nickname = ''));
    await expect(session.lock()).rejects.toThrow(InvalidDocumentError);
    expect(session.isLocked).toBe(true);
    const again = await store.unlock(session.profile.id, GOOD_PASSWORD);
    expect(again).not.toBe(session);
    expect(again.state.nickname).toBe('Zebulon');
    expect((await (await again.history('peer.onion')).page({ limit: 5 })).messages.map((m) => m.body)).toEqual(['kept']);
  });

  it('a change acknowledged while the profile is locking is kept', async () => {
    // However late in the lock the change arrives: refused (ProfileLockedError) or durable, never acknowledged and lost.
    for (let wait = 0; wait < 12; wait += 1) {
      const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
      await session.state.setNickname('Before');
      const locking = session.lock();
      for (let i = 0; i < wait; i += 1) await new Promise((resolve) => setImmediate(resolve));
      const late = Promise.resolve()
        .then(() => session.state.setNickname('Late'))
        .then(
          () => true,
          () => false,
        );
      await locking;
      const kept = await late;
      const again = await store.unlock(session.profile.id, GOOD_PASSWORD);
      expect(again.state.nickname, `after ${String(wait)} turns`).toBe(kept ? 'Late' : 'Before');
      await again.lock();
    }
  });

  it('a history page asked for as the profile locks is answered or refused, never half', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    const history = await session.history('peer.onion');
    await history.appendMany(['a', 'b', 'c', 'd', 'e'].map((id) => message(id, id)));
    const paging = history.page({ limit: 10 }).catch((error: unknown) => error);
    await session.lock();
    expect(await history.page({ limit: 10 }).catch((error: unknown) => error)).toBeInstanceOf(ProfileLockedError);
    const earlier = await paging;
    if (!(earlier instanceof ProfileLockedError)) expect(earlier).toMatchObject({ damaged: [] });
    const again = await store.unlock(session.profile.id, GOOD_PASSWORD);
    const page = await (await again.history('peer.onion')).page({ limit: 10 });
    expect(page.messages.map((m) => m.id)).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it('listing conversations as the profile locks never takes a good conversation header for a damaged one', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    for (const peer of ['a.onion', 'b.onion', 'c.onion']) await (await session.history(peer)).append(message('m1', 'kept'));
    const listing = session.conversations().catch((error: unknown) => error);
    await session.lock();
    await listing;
    const again = await store.unlock(session.profile.id, GOOD_PASSWORD);
    expect((await again.conversations()).sort()).toEqual(['a.onion', 'b.onion', 'c.onion']);
  });

  it('deletes the history of one conversation for good, across a lock, and the others stay', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    for (const peer of ['a.onion', 'b.onion']) await (await session.history(peer)).append(message('m1', `to ${peer}`));
    await session.deleteHistory('a.onion');
    await session.deleteHistory('never-had-one.onion');
    expect((await (await session.history('a.onion')).page({ limit: 10 })).messages).toEqual([]);
    await (await session.history('a.onion')).append(message('m2', 'a new conversation'));
    await session.lock();
    const again = await store.unlock(session.profile.id, GOOD_PASSWORD);
    expect((await again.conversations()).sort()).toEqual(['a.onion', 'b.onion']);
    expect((await (await again.history('a.onion')).page({ limit: 10 })).messages.map((m) => m.body)).toEqual(['a new conversation']);
    expect((await (await again.history('b.onion')).page({ limit: 10 })).messages.map((m) => m.body)).toEqual(['to b.onion']);
  });

  it('an unlock while the profile is still locking waits for the lock and opens it afresh', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await session.state.setNickname('Zeb');
    await (await session.history('peer.onion')).append(message('m1', 'kept'));
    const locking = session.lock();
    const again = await store.unlock(session.profile.id, GOOD_PASSWORD);
    await locking;
    expect(again.isLocked).toBe(false);
    expect(again.state.nickname).toBe('Zeb');
    expect((await (await again.history('peer.onion')).page({ limit: 5 })).messages.map((m) => m.body)).toEqual(['kept']);
  });

  it('deletes a profile folder with its password, locking it first', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await expect(store.deleteProfile(session.profile.id, 'not-the-password-at-all')).rejects.toThrow(WrongPasswordError);
    expect(session.isLocked).toBe(false);
    await store.deleteProfile(session.profile.id, GOOD_PASSWORD);
    expect(session.isLocked).toBe(true);
    expect(await readdir(join(root, 'profiles'))).toEqual([]);
    await expect(store.unlock(session.profile.id, GOOD_PASSWORD)).rejects.toThrow(ProfileNotFoundError);
    await expect(store.unlock('../../etc', GOOD_PASSWORD)).rejects.toThrow(ProfileNotFoundError);
  });
});

describe('leftovers of interrupted operations', () => {
  it('removes interrupted deletions and old interrupted creations, and lists neither', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    const profiles = join(root, 'profiles');
    await mkdir(join(profiles, '.deleting-0123456789abcdef'));
    await mkdir(join(profiles, '.creating-0123456789abcdee'));
    await mkdir(join(profiles, '.creating-0123456789abcded'));
    const anHourAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(profiles, '.creating-0123456789abcded'), anHourAgo, anHourAgo);
    expect((await store.listProfiles()).profiles.map((p) => p.id)).toEqual([session.profile.id]);
    expect((await readdir(profiles)).sort()).toEqual(['.creating-0123456789abcdee', session.profile.id]);
  });
});

describe('damaged files', () => {
  it('a damaged database is named and kept, never replaced by an empty one', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await (await session.history('peer.onion')).append(message('m1', 'kept'));
    await session.lock();
    const dbPath = join(root, 'profiles', session.profile.id, 'profile.db');
    const bytes = await readFile(dbPath);
    bytes.fill(0x55, 40, 200);
    await writeFile(dbPath, bytes);

    const failure = await store.unlock(session.profile.id, GOOD_PASSWORD).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CorruptFileError);
    expect((failure as CorruptFileError).path).toBe(dbPath);
    expect((failure as CorruptFileError).message).toMatch(/does not open with this profile's key/u);
    expect(await readFile(dbPath)).toEqual(bytes);
  });

  it('a profile whose database is gone is refused, not started empty', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await session.lock();
    const dbPath = join(root, 'profiles', session.profile.id, 'profile.db');
    await rm(dbPath);
    await expect(store.unlock(session.profile.id, GOOD_PASSWORD)).rejects.toThrow(MissingFileError);
    expect(existsSync(dbPath)).toBe(false);
  });

  it('a damaged vault.json is listed as unreadable with its path', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await session.lock();
    const vaultPath = join(root, 'profiles', session.profile.id, 'vault.json');
    await writeFile(vaultPath, '{"format":"allium-vault"');
    const listing = await store.listProfiles();
    expect(listing.profiles).toEqual([]);
    expect(listing.unreadable[0]!.problem).toBeInstanceOf(CorruptFileError);
    expect((listing.unreadable[0]!.problem as CorruptFileError).path).toBe(vaultPath);
  });
});

describe('one process per profile', () => {
  it('refuses a profile held by another live process and takes over from a dead one', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await session.lock();
    const lockPath = join(root, 'profiles', session.profile.id, 'session.lock');
    await writeFile(lockPath, `${String(process.ppid)}\n`);
    await expect(store.unlock(session.profile.id, GOOD_PASSWORD)).rejects.toThrow(ProfileInUseError);
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(lockPath, `${String(dead)}\n`);
    const again = await store.unlock(session.profile.id, GOOD_PASSWORD);
    expect((await readFile(lockPath, 'utf8')).split('\n')[0]).toBe(String(process.pid));
    await again.lock();
    await expect(readFile(lockPath)).rejects.toThrow(/ENOENT/u);
  });

  it.runIf(existsSync('/proc/self/stat'))('takes over a lock whose pid now belongs to another program, after a reboot or a reuse', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await session.lock();
    const lockPath = join(root, 'profiles', session.profile.id, 'session.lock');
    const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    const stat = await readFile(`/proc/${String(process.ppid)}/stat`, 'utf8');
    const parentStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
    const lockedBy = async (...lines: string[]) => {
      await writeFile(lockPath, `${[String(process.ppid), ...lines].join('\n')}\n`);
      const opened = await store.unlock(session.profile.id, GOOD_PASSWORD);
      await opened.lock();
    };
    // The same live process that wrote the lock: in use.
    await expect(lockedBy(bootId, parentStart)).rejects.toThrow(ProfileInUseError);
    // Written before a reboot, or by an earlier process with the same pid: stale, so taken over.
    await lockedBy('00000000-0000-0000-0000-000000000000', parentStart);
    await lockedBy(bootId, String(Number(parentStart) + 1));
  });

  it('refuses to delete a profile that another live process has open', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await session.lock();
    const dir = join(root, 'profiles', session.profile.id);
    await writeFile(join(dir, 'session.lock'), `${String(process.ppid)}\n`);
    await expect(store.deleteProfile(session.profile.id, GOOD_PASSWORD)).rejects.toThrow(ProfileInUseError);
    expect(await readdir(dir)).toContain('profile.db');
    await writeFile(join(dir, 'session.lock'), `${String(spawnSync(process.execPath, ['-e', '']).pid)}\n`);
    await store.deleteProfile(session.profile.id, GOOD_PASSWORD);
    expect(await readdir(join(root, 'profiles'))).toEqual([]);
  });

  it('leaves the temporary files of a profile open in another process alone, and removes them once it is dead', async () => {
    const session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
    await session.lock();
    const dir = join(root, 'profiles', session.profile.id);
    // The other process is in the middle of an atomic write (a password change, a compaction): its file is not ours.
    const temporary = '.vault.json.0123456789ab.tmp';
    await writeFile(join(dir, temporary), 'being written');
    await writeFile(join(dir, 'session.lock'), `${String(process.ppid)}\n`);
    await expect(store.unlock(session.profile.id, GOOD_PASSWORD)).rejects.toThrow(ProfileInUseError);
    expect(await readdir(dir)).toContain(temporary);
    await writeFile(join(dir, 'session.lock'), `${String(spawnSync(process.execPath, ['-e', '']).pid)}\n`);
    await store.unlock(session.profile.id, GOOD_PASSWORD);
    expect(await readdir(dir)).not.toContain(temporary);
  });
});
