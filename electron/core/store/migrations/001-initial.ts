// Migration 1: an empty document (version 0, just the profile) becomes the first state layout.
import type { StateMigration } from './migration.js';

export const initial: StateMigration = {
  version: 1,
  up: (doc) => ({
    ...doc,
    formatVersion: 1,
    identity: { onionSeed: null, signalIdentityKeyPair: null, signalRegistrationId: null },
    settings: { presence: { status: 'available', text: '' }, defaultDelivery: 'hold', bridges: [], notifications: true },
    contacts: {},
    contactRequests: {},
    outbox: {},
    signal: { sessions: {}, identityKeys: {}, preKeys: {}, signedPreKeys: {}, kyberPreKeys: {} },
  }),
};
