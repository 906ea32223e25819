// Where a profile's files live under the injected root folder.
import { join } from 'node:path';

export const PROFILES_FOLDER = 'profiles';
export const HISTORY_FOLDER = 'history';

export interface ProfilePaths {
  dir: string;
  vault: string;
  /** The SQLCipher database: state and history. */
  database: string;
  /** The sealed state file of the format before the database; only the migration reads it. */
  state: string;
  /** The history folder of that format; only the migration reads it. */
  history: string;
}

export function profilePaths(rootDir: string, profileId: string): ProfilePaths {
  const dir = join(rootDir, PROFILES_FOLDER, profileId);
  return { dir, vault: join(dir, 'vault.json'), database: join(dir, 'profile.db'), state: join(dir, 'state.sealed'), history: join(dir, HISTORY_FOLDER) };
}
