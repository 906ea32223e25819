// Migration 3: relay mailboxes — my relays, my mailbox per contact, and each contact's mailbox for us.
import type { StateDocument, StateMigration } from './migration.js';

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

export const relays: StateMigration = {
  version: 3,
  up: (doc: StateDocument) => ({
    ...doc,
    formatVersion: 3,
    contacts: Object.fromEntries(Object.entries(asRecord(doc['contacts'])).map(([address, contact]) => [address, { ...asRecord(contact), theirMailbox: null }])),
    relays: {},
    mailboxes: {},
  }),
};
