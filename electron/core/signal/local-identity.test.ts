// The profile's Signal identity is made once and then loaded; damaged records are refused, not replaced.
import { describe, expect, it } from 'vitest';
import { SignalRecordError } from './errors.js';
import { loadOrCreateLocalIdentity } from './local-identity.js';
import { InMemorySignalRecordStore } from './record-store.js';

describe('loadOrCreateLocalIdentity', () => {
  it('creates an identity once and loads the same one afterwards', async () => {
    const records = new InMemorySignalRecordStore();
    const first = await loadOrCreateLocalIdentity(records);
    const again = await loadOrCreateLocalIdentity(records);
    expect(again.identityKeyPair.serialize()).toEqual(first.identityKeyPair.serialize());
    expect(again.registrationId).toBe(first.registrationId);
    expect(first.registrationId).toBeGreaterThanOrEqual(1);
    expect(first.registrationId).toBeLessThanOrEqual(0x3fff);
  });

  it('refuses a damaged key pair or registration id rather than making a new identity', async () => {
    const records = new InMemorySignalRecordStore();
    await loadOrCreateLocalIdentity(records);
    await records.put('local', 'identity-key-pair', Uint8Array.of(1, 2, 3));
    await expect(loadOrCreateLocalIdentity(records)).rejects.toThrow(SignalRecordError);

    const other = new InMemorySignalRecordStore();
    await loadOrCreateLocalIdentity(other);
    await other.put('local', 'registration-id', Uint8Array.of(0, 0, 0, 0));
    await expect(loadOrCreateLocalIdentity(other)).rejects.toThrow(SignalRecordError);
  });

  it('finishes an identity whose creation stopped after the registration id was written', async () => {
    const records = new InMemorySignalRecordStore();
    await records.put('local', 'registration-id', Uint8Array.of(0, 0, 0, 42));
    const identity = await loadOrCreateLocalIdentity(records);
    expect(identity.registrationId).toBe(42);
    expect(await records.get('local', 'identity-key-pair')).toEqual(identity.identityKeyPair.serialize());
  });
});
