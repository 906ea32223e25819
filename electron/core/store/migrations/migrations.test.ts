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
    expect(state.signal.kyberPreKeys).toEqual({});
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
