// Where a profile's files live under the injected root folder.
import { join } from 'node:path';

export const PROFILES_FOLDER = 'profiles';
export const HISTORY_FOLDER = 'history';

export interface ProfilePaths {
  dir: string;
  vault: string;
  state: string;
  history: string;
}

export function profilePaths(rootDir: string, profileId: string): ProfilePaths {
  const dir = join(rootDir, PROFILES_FOLDER, profileId);
  return { dir, vault: join(dir, 'vault.json'), state: join(dir, 'state.sealed'), history: join(dir, HISTORY_FOLDER) };
}
