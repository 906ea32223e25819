// Migration 2: what messaging needs — contact sequence counters and status, richer settings, generic Signal records.
import type { StateDocument, StateMigration } from './migration.js';

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

/** Version 1 kept a contact's Signal key in the contact; the Signal layer's identity records hold it now. */
function withoutKey(record: Json, key: string): Json {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

export const messaging: StateMigration = {
  version: 2,
  up: (doc: StateDocument) => {
    const settings = asRecord(doc['settings']);
    const contacts = Object.fromEntries(
      Object.entries(asRecord(doc['contacts'])).map(([address, contact]) => [
        address,
        {
          ...withoutKey(asRecord(contact), 'signalIdentityKey'),
          status: 'accepted',
          theirNickname: null,
          identityChanged: false,
          outSeq: 0,
          inSeq: 0,
          unread: 0,
          lastMessage: null,
        },
      ]),
    );
    const contactRequests = Object.fromEntries(
      Object.entries(asRecord(doc['contactRequests'])).map(([address, request]) => [address, { ...asRecord(request), delivered: false }]),
    );
    const outbox = Object.fromEntries(
      Object.entries(asRecord(doc['outbox'])).map(([id, entry], index) => [id, { ...asRecord(entry), seq: index + 1, failed: null }]),
    );
    // Version 1 had one map per Signal record type and never stored any; the Signal layer keeps opaque records by kind.
    const signalRecords = { session: {}, identity: {}, prekey: {}, 'signed-prekey': {}, 'kyber-prekey': {}, local: {} };
    // The Signal identity now lives among the Signal records (kind `local`), written by the Signal layer itself.
    const { signal: _dropped, ...rest } = doc;
    const identity = asRecord(doc['identity']);
    return {
      ...rest,
      formatVersion: 2,
      identity: { onionSeed: identity['onionSeed'] ?? null },
      settings: {
        presence: settings['presence'] ?? { status: 'available', text: '' },
        defaultDelivery: settings['defaultDelivery'] ?? 'hold',
        bridges: settings['bridges'] ?? [],
        torOptions: [],
        notifications: { enabled: settings['notifications'] !== false, showContent: true },
        theme: 'system',
      },
      contacts,
      contactRequests,
      outbox,
      signalRecords,
    };
  },
};
