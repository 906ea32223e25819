// The profiles on this machine: create, list, unlock, delete, import; everything under one injected root folder.
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from './atomic-write.js';
import { decodeBackup } from './backup-file.js';
import { deriveDataKeys, wipe } from './data-keys.js';
import { MissingFileError, ProfileNotFoundError, type StoreError, WeakPasswordError } from './errors.js';
import { HistoryStore } from './history/history-store.js';
import { DEFAULT_SCRYPT_PARAMS, type ScryptParams } from './kdf.js';
import { migrateState } from './migrations/index.js';
import { acquireProcessLock } from './process-lock.js';
import { checkPasswordStrength } from './password-strength.js';
import { PROFILES_FOLDER, profilePaths } from './profile-layout.js';
import { ProfileSession, type ProfileSummary } from './profile-session.js';
import { migrateLegacyProfile } from './legacy/migrate-legacy-profile.js';
import { DATABASE_FILE, type Database, openProfileDatabase } from './sqlite/profile-database.js';
import { WriteBatch } from './sqlite/write-batch.js';
import { StateDatabase, writeInitialState } from './state-database.js';
import type { StateData } from './state-schema.js';
import { DEFAULT_UNLOCK_THROTTLE, UnlockThrottle, type UnlockThrottleOptions } from './unlock-throttle.js';
import { type Vault, createVault, openVault, readVault, writeVault } from './vault.js';

export interface ProfileStoreOptions {
  /** The folder that holds `profiles/`; injected, never guessed. */
  rootDir: string;
  /** Cost of new password hashes; tests pass cheap ones. */
  kdf?: ScryptParams;
  unlockThrottle?: UnlockThrottleOptions;
}

export interface CreateProfileOptions {
  nickname: string;
  password: string;
  /** Shown in the profile chooser before unlocking; defaults to "Profile <n>". Not the nickname. */
  label?: string;
}

/** A backup as a file on disk or as bytes (the API carries it base64-encoded). */
export type BackupSource = { file: string } | { data: Uint8Array };

export type ImportBackupOptions = BackupSource & {
  passphrase: string;
  /** The password for the restored profile on this machine. */
  password: string;
  label?: string;
};

/** A profile folder whose vault.json could not be read: listed so the user can see it, not hidden. */
export interface UnreadableProfile {
  id: string;
  problem: StoreError;
}

export interface ProfileListing {
  profiles: ProfileSummary[];
  unreadable: UnreadableProfile[];
}

const PROFILE_ID = /^[0-9a-f]{16}$/u;
const MAX_LABEL = 64;
const IMPORT_BATCH = 1000;
const LEFTOVER_AGE_MS = 60 * 60 * 1000;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function assertStrong(password: string): void {
  const strength = checkPasswordStrength(password);
  if (!strength.ok) throw new WeakPasswordError(strength.reason ?? 'too weak');
}

function cleanName(value: string, what: string): string {
  const clean = value.normalize('NFC').trim();
  if (clean.length === 0 || clean.length > MAX_LABEL) throw new RangeError(`${what} must be 1 to ${String(MAX_LABEL)} characters`);
  return clean;
}

export class ProfileStore {
  private readonly kdf: ScryptParams;
  private readonly throttle: UnlockThrottle;
  private readonly sessions = new Map<string, ProfileSession>();

  constructor(private readonly options: ProfileStoreOptions) {
    this.kdf = options.kdf ?? DEFAULT_SCRYPT_PARAMS;
    this.throttle = new UnlockThrottle(options.unlockThrottle ?? DEFAULT_UNLOCK_THROTTLE);
  }

  private get profilesDir(): string {
    return join(this.options.rootDir, PROFILES_FOLDER);
  }

  /** Creates a profile and returns it unlocked. */
  async createProfile({ nickname, password, label }: CreateProfileOptions): Promise<ProfileSession> {
    assertStrong(password);
    const cleanNickname = cleanName(nickname, 'nickname');
    const doc = migrateState({ formatVersion: 0, profile: { nickname: cleanNickname, createdAt: new Date().toISOString() } });
    return this.createFromState(doc, password, label);
  }

  async listProfiles(): Promise<ProfileListing> {
    let names: string[];
    try {
      names = await readdir(this.profilesDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: [], unreadable: [] };
      throw error;
    }
    await this.removeLeftovers(names);
    const listing: ProfileListing = { profiles: [], unreadable: [] };
    for (const id of names.filter((name) => PROFILE_ID.test(name)).sort()) {
      try {
        const vault = await readVault(profilePaths(this.options.rootDir, id).vault);
        listing.profiles.push({ id, label: vault.label, createdAt: vault.createdAt });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        listing.unreadable.push({ id, problem: error as StoreError });
      }
    }
    listing.profiles.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return listing;
  }

  /**
   * Opens a profile with its password. A wrong password is a WrongPasswordError and writes nothing;
   * repeated failures wait longer and longer (in memory). A damaged state file is moved aside and
   * reported as a CorruptFileError naming it.
   */
  async unlock(profileId: string, password: string): Promise<ProfileSession> {
    const vault = await this.readVaultOf(this.assertId(profileId));
    const dataKey = await this.checkPassword(vault, password);
    const open = this.sessions.get(profileId);
    if (open && !open.isLocked) {
      dataKey.fill(0);
      return open;
    }
    // Still locking: handing that session back would give the user a profile that refuses everything.
    await open?.lock().catch(() => undefined);
    return this.startSession(vault, dataKey);
  }

  /** Checks the password, locks the profile if it is open, then removes its folder. */
  async deleteProfile(profileId: string, password: string): Promise<void> {
    const paths = profilePaths(this.options.rootDir, this.assertId(profileId));
    (await this.checkPassword(await this.readVaultOf(profileId), password)).fill(0);
    await this.remove(profileId, paths.dir);
  }

  private async remove(profileId: string, dir: string): Promise<void> {
    await this.sessions.get(profileId)?.lock();
    // Another process that has the profile open would go on writing into a deleted folder: refuse instead.
    const release = await acquireProcessLock(dir);
    const doomed = join(this.profilesDir, `.deleting-${profileId}`);
    try {
      await rename(dir, doomed);
    } catch (error) {
      await release();
      throw error;
    }
    await syncDirectory(this.profilesDir);
    await rm(doomed, { recursive: true, force: true });
  }

  /** Restores a backup as a new profile on this machine: same identity keys, contacts, settings (and history). */
  async importBackup(options: ImportBackupOptions): Promise<ProfileSession> {
    const { passphrase, password, label } = options;
    assertStrong(password);
    const bytes = 'file' in options ? await readFile(options.file) : Buffer.from(options.data);
    const contents = await decodeBackup(bytes, passphrase);
    // The history goes into the hidden folder too, before the profile is renamed into place: half an import is worse
    // than none, after a crash as after an error (the backup file is still there to try again).
    return this.createFromState(contents.state, password, label ?? contents.label, async (db, path) => {
      const histories = new HistoryStore(db, new WriteBatch(db), path);
      try {
        for (const { conversationId, messages } of contents.history ?? []) {
          const history = await histories.conversation(conversationId);
          for (let i = 0; i < messages.length; i += IMPORT_BATCH) await history.appendMany(messages.slice(i, i + IMPORT_BATCH));
        }
      } finally {
        await histories.close();
      }
    });
  }

  /** Locks every open profile. */
  async close(): Promise<void> {
    for (const session of [...this.sessions.values()]) await session.lock();
  }

  private checkPassword(vault: Vault, password: string): Promise<Buffer> {
    return this.throttle.attempt(vault.profileId, () => openVault(vault, password));
  }

  /** `fill` adds more to the new database (an import's history) before the profile appears. */
  private async createFromState(
    doc: StateData,
    password: string,
    label: string | undefined,
    fill?: (db: Database, path: string) => Promise<void>,
  ): Promise<ProfileSession> {
    const profileId = randomBytes(8).toString('hex');
    const chosenLabel = cleanName(label ?? `Profile ${String((await this.listProfiles()).profiles.length + 1)}`, 'label');
    const { vault, dataKey } = await createVault(profileId, chosenLabel, password, this.kdf, new Date());
    // Built in a hidden folder and renamed into place, so a crash never leaves half a profile.
    await mkdir(this.profilesDir, { recursive: true, mode: 0o700 });
    const building = join(this.profilesDir, `.creating-${profileId}`);
    await mkdir(building, { mode: 0o700 });
    const keys = deriveDataKeys(dataKey);
    try {
      const path = join(building, DATABASE_FILE);
      const db = openProfileDatabase(path, keys.database);
      try {
        db.transaction(() => writeInitialState(db, doc))();
        await fill?.(db, path);
      } finally {
        db.close();
      }
      await writeVault(join(building, 'vault.json'), vault);
    } catch (error) {
      await rm(building, { recursive: true, force: true });
      dataKey.fill(0);
      throw error;
    } finally {
      wipe(keys);
    }
    await rename(building, profilePaths(this.options.rootDir, profileId).dir);
    await syncDirectory(this.profilesDir);
    return this.startSession(vault, dataKey);
  }

  private async startSession(vault: Vault, dataKey: Buffer): Promise<ProfileSession> {
    const profileId = vault.profileId;
    const paths = profilePaths(this.options.rootDir, profileId);
    const keys = deriveDataKeys(dataKey);
    let db: StateDatabase;
    let database: Database | undefined;
    let batch: WriteBatch;
    let release: () => Promise<void> = () => Promise.resolve();
    try {
      release = await acquireProcessLock(paths.dir);
      // Only now: while another process holds the profile, its temporary files are writes in progress.
      await this.removeStaleTemporaries(paths.dir);
      await migrateLegacyProfile(paths, keys, profileId);
      // Opening would create an empty database: a missing one is an error, never a fresh start (keys and contacts).
      if (!(await exists(paths.database))) throw new MissingFileError(paths.database);
      database = openProfileDatabase(paths.database, keys.database);
      batch = new WriteBatch(database);
      db = StateDatabase.open(database, batch, paths.database);
    } catch (error) {
      database?.close();
      await release();
      dataKey.fill(0);
      wipe(keys);
      throw error;
    }
    const session = new ProfileSession({
      paths,
      vault,
      dataKey,
      keys,
      db,
      database,
      batch,
      kdf: this.kdf,
      checkPassword: (v, p) => this.checkPassword(v, p),
      onLock: async () => {
        this.sessions.delete(profileId);
        await release();
      },
    });
    this.sessions.set(profileId, session);
    return session;
  }

  private async readVaultOf(profileId: string): Promise<Vault> {
    try {
      return await readVault(profilePaths(this.options.rootDir, profileId).vault);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ProfileNotFoundError(profileId);
      throw error;
    }
  }

  private assertId(profileId: string): string {
    if (!PROFILE_ID.test(profileId)) throw new ProfileNotFoundError(profileId);
    return profileId;
  }

  /** Folders of deletions and creations a crash interrupted (a creation still running elsewhere is younger than an hour). */
  private async removeLeftovers(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const path = join(this.profilesDir, name);
      const stale = name.startsWith('.deleting-') || (name.startsWith('.creating-') && Date.now() - (await stat(path)).mtimeMs > LEFTOVER_AGE_MS);
      if (stale) await rm(path, { recursive: true, force: true });
    }
  }

  /** Temporary files of atomic writes interrupted by a crash; the real files are intact. */
  private async removeStaleTemporaries(dir: string): Promise<void> {
    const names = await readdir(dir);
    await Promise.all(names.filter((n) => n.startsWith('.') && n.endsWith('.tmp')).map((n) => rm(join(dir, n), { force: true })));
  }
}
