// Runs the numbered state migrations that a document has not seen yet, then validates the result.
import { z } from 'zod';
import { UnsupportedFormatError } from '../errors.js';
import { type StateData, stateSchema } from '../state-schema.js';
import { initial } from './001-initial.js';
import { messaging } from './002-messaging.js';
import { relays } from './003-relays.js';
import { groups } from './004-groups.js';
import type { StateDocument, StateMigration } from './migration.js';

const MIGRATIONS: readonly StateMigration[] = [initial, messaging, relays, groups];

export const STATE_VERSION = MIGRATIONS.length;

const versioned = z.looseObject({ formatVersion: z.number().int().min(0) });

/** Brings any older state document up to STATE_VERSION; a newer one is refused, never downgraded. */
export function migrateState(json: unknown): StateData {
  let doc: StateDocument = versioned.parse(json);
  if (doc.formatVersion > STATE_VERSION) throw new UnsupportedFormatError('state', doc.formatVersion);
  for (const migration of MIGRATIONS) {
    if (migration.version > doc.formatVersion) doc = migration.up(doc);
  }
  return stateSchema.parse(doc);
}
