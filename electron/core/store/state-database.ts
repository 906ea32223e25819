// Opens the sealed lowdb state database of a profile.
import { Low } from 'lowdb';
import { MissingFileError } from './errors.js';
import { migrateState } from './migrations/index.js';
import { SealedJsonAdapter } from './sealed-json-adapter.js';
import type { StateData } from './state-schema.js';

export type StateDatabase = Low<StateData> & { adapter: SealedJsonAdapter<StateData> };

function adapterFor(path: string, key: Uint8Array, profileId: string): SealedJsonAdapter<StateData> {
  return new SealedJsonAdapter({ path, key, role: 'state', context: profileId, parse: migrateState });
}

/** Writes a brand-new state database (profile creation and import). */
export async function createStateDatabase(path: string, key: Uint8Array, profileId: string, data: StateData): Promise<void> {
  await adapterFor(path, key, profileId).write(data);
}

/**
 * Loads the state database. A damaged file is moved aside and reported (CorruptFileError); a
 * missing one is an error too, never an invitation to start empty: contacts and keys would be lost.
 */
export async function openStateDatabase(path: string, key: Uint8Array, profileId: string): Promise<StateDatabase> {
  const adapter = adapterFor(path, key, profileId);
  const data = await adapter.read();
  if (data === null) throw new MissingFileError(path);
  return new Low(adapter, data) as StateDatabase;
}
