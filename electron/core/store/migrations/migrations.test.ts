// Tests for state migrations: version 0 becomes the current layout; newer documents are refused, never downgraded.
import { describe, expect, it } from 'vitest';
import { UnsupportedFormatError } from '../errors.js';
import { STATE_VERSION, migrateState } from './index.js';

const profile = { nickname: 'Zebulon', createdAt: '2026-01-01T00:00:00.000Z' };

describe('migrateState', () => {
  it('builds the current layout from an empty version-0 document', () => {
    const state = migrateState({ formatVersion: 0, profile });
    expect(state.formatVersion).toBe(STATE_VERSION);
    expect(state.profile).toEqual(profile);
    expect(state.contacts).toEqual({});
    expect(state.signalRecords['kyber-prekey']).toEqual({});
    expect(state.settings.notifications).toEqual({ enabled: true, showContent: true });
  });

  it('carries a version-1 document over to version 2, keeping contacts, requests and the outbox', () => {
    const v1 = {
      formatVersion: 1,
      profile,
      identity: { onionSeed: 'AAAA', signalIdentityKeyPair: null, signalRegistrationId: null },
      settings: { presence: { status: 'busy', text: 'x' }, defaultDelivery: 'relay', bridges: ['obfs4 a'], notifications: false },
      contacts: { a: { address: 'a', nickname: 'A', addedAt: '2026-01-01T00:00:00.000Z', signalIdentityKey: null, verified: true, blocked: false, delivery: null } },
      contactRequests: { b: { address: 'b', direction: 'incoming', nickname: 'B', message: 'hi', at: '2026-01-01T00:00:00.000Z', status: 'pending', payload: 'AQID' } },
      outbox: { o: { id: 'o', to: 'a', createdAt: '2026-01-01T00:00:00.000Z', envelope: 'AQ==', attempts: 0, nextAttemptAt: null, via: 'direct' } },
      signal: { sessions: {}, identityKeys: {}, preKeys: {}, signedPreKeys: {}, kyberPreKeys: {} },
    };
    const state = migrateState(v1);
    expect(state.identity).toEqual({ onionSeed: 'AAAA' });
    expect(state.settings).toMatchObject({ presence: { status: 'busy' }, bridges: ['obfs4 a'], notifications: { enabled: false, showContent: true }, theme: 'system' });
    expect(state.contacts['a']).toMatchObject({ nickname: 'A', verified: true, status: 'accepted', outSeq: 0, inSeq: 0, unread: 0 });
    expect(state.contacts['a']).not.toHaveProperty('signalIdentityKey');
    expect(state.contactRequests['b']).toMatchObject({ delivered: false, payload: 'AQID' });
    expect(state.outbox['o']).toMatchObject({ seq: 1, failed: null });
  });

  it('gives a version-2 document relays and mailboxes, and each contact no mailbox of theirs yet', () => {
    const v2 = structuredClone(migrateState({ formatVersion: 0, profile })) as Record<string, unknown>;
    const contact = { address: 'a', nickname: 'A', addedAt: '2026-01-01T00:00:00.000Z', status: 'accepted', theirNickname: null, verified: false };
    const rest = { identityChanged: false, blocked: false, delivery: 'relay', outSeq: 3, inSeq: 2, unread: 1, lastMessage: null };
    const { relays: _relays, mailboxes: _mailboxes, ...withoutRelays } = v2;
    const state = migrateState({ ...withoutRelays, formatVersion: 2, contacts: { a: { ...contact, ...rest } } });
    expect(state.formatVersion).toBe(STATE_VERSION);
    expect(state.relays).toEqual({});
    expect(state.mailboxes).toEqual({});
    expect(state.contacts['a']).toMatchObject({ delivery: 'relay', outSeq: 3, theirMailbox: null });
  });

  it('gives a version-3 document groups, and marks every contact as one the user added', () => {
    const v3 = structuredClone(migrateState({ formatVersion: 0, profile })) as Record<string, unknown>;
    const contact = { address: 'a', nickname: 'A', addedAt: '2026-01-01T00:00:00.000Z', status: 'accepted', theirNickname: null, verified: false };
    const rest = { identityChanged: false, blocked: false, delivery: null, theirMailbox: null, outSeq: 3, inSeq: 2, unread: 1, lastMessage: null };
    const { groups: _g, groupInvitations: _i, groupJoinRequests: _j, groupKeys: _k, files: _f, ...withoutGroups } = v3;
    const state = migrateState({ ...withoutGroups, formatVersion: 3, contacts: { a: { ...contact, ...rest } } });
    expect(state.formatVersion).toBe(4);
    expect(state.groups).toEqual({});
    expect(state.groupInvitations).toEqual({});
    expect(state.groupJoinRequests).toEqual({});
    expect(state.groupKeys).toEqual({});
    expect(state.files).toEqual({});
    expect(state.settings).toMatchObject({ autoAcceptBytes: 25 * 1024 * 1024, downloadsDir: '' });
    expect(state.contacts['a']).toMatchObject({ outSeq: 3, hidden: false });
  });

  it('leaves a current document as it is', () => {
    const state = migrateState({ formatVersion: 0, profile });
    expect(migrateState(structuredClone(state))).toEqual(state);
  });

  it('refuses a document from a newer version', () => {
    expect(() => migrateState({ formatVersion: STATE_VERSION + 1 })).toThrow(UnsupportedFormatError);
  });

  it('refuses a document without a version or with broken fields', () => {
    expect(() => migrateState({ profile })).toThrow();
    expect(() => migrateState({ ...migrateState({ formatVersion: 0, profile }), contacts: { x: { address: 5 } } })).toThrow();
  });
});
