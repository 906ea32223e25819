// Migration 4: groups — their records, invitations, join requests, sender keys, and contacts who are only fellow members.
import type { StateDocument, StateMigration } from './migration.js';

type Json = Record<string, unknown>;

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
  }),
};
