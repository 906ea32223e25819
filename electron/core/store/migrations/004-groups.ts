// Migration 4: groups (records, invitations, join requests, sender keys, contacts who are only fellow members) and files.
import type { StateDocument, StateMigration } from './migration.js';

type Json = Record<string, unknown>;

/** Files up to 25 MiB are received without asking, until the user sets otherwise. */
export const DEFAULT_AUTO_ACCEPT_BYTES = 25 * 1024 * 1024;

const asRecord = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

export const groups: StateMigration = {
  version: 4,
  up: (doc: StateDocument) => ({
    ...doc,
    formatVersion: 4,
    contacts: Object.fromEntries(Object.entries(asRecord(doc['contacts'])).map(([address, contact]) => [address, { ...asRecord(contact), hidden: false }])),
    groups: {},
    groupInvitations: {},
    groupJoinRequests: {},
    groupKeys: {},
    files: {},
    settings: { ...asRecord(doc['settings']), autoAcceptBytes: DEFAULT_AUTO_ACCEPT_BYTES, downloadsDir: '' },
  }),
};
