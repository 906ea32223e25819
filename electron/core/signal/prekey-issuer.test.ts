// Prekey issuance: fresh one-time keys per bundle, signed prekey rotation and retention, pruning of unused keys.
import { SignedPreKeyRecord } from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { SignalRecordError } from './errors.js';
import { loadOrCreateLocalIdentity } from './local-identity.js';
import { DEFAULT_PREKEY_POLICY, PreKeyIssuer, type PreKeyPolicy } from './prekey-issuer.js';
import { InMemorySignalRecordStore } from './record-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

async function issuer(policy: Partial<PreKeyPolicy> = {}): Promise<{ issuer: PreKeyIssuer; records: InMemorySignalRecordStore; clock: { now: number } }> {
  const records = new InMemorySignalRecordStore();
  const clock = { now: Date.UTC(2026, 0, 1) };
  const local = await loadOrCreateLocalIdentity(records);
  return { issuer: new PreKeyIssuer(records, local, { ...DEFAULT_PREKEY_POLICY, ...policy }, () => new Date(clock.now)), records, clock };
}

const sortedKeys = async (records: InMemorySignalRecordStore, kind: 'prekey' | 'signed-prekey' | 'kyber-prekey'): Promise<number[]> =>
  (await records.keys(kind)).map(Number).sort((a, b) => a - b);

describe('PreKeyIssuer', () => {
  it('gives each bundle its own one-time EC and Kyber prekeys and shares the signed prekey', async () => {
    const { issuer: prekeys, records } = await issuer();
    const first = await prekeys.issue();
    const second = await prekeys.issue();
    expect([first.preKeyId(), second.preKeyId()]).toEqual([1, 2]);
    expect([first.kyberPreKeyId(), second.kyberPreKeyId()]).toEqual([1, 2]);
    expect(first.signedPreKeyId()).toBe(second.signedPreKeyId());
    expect(first.preKeyPublic()?.serialize()).not.toEqual(second.preKeyPublic()?.serialize());
    expect(await sortedKeys(records, 'prekey')).toEqual([1, 2]);
    expect(await sortedKeys(records, 'kyber-prekey')).toEqual([1, 2]);
    expect(await sortedKeys(records, 'signed-prekey')).toEqual([1]);
  });

  it('signs the signed prekey and the Kyber prekey with the identity key', async () => {
    const { issuer: prekeys } = await issuer();
    const bundle = await prekeys.issue();
    const identity = bundle.identityKey();
    expect(identity.verify(bundle.signedPreKeyPublic().serialize(), bundle.signedPreKeySignature())).toBe(true);
    expect(identity.verify(bundle.kyberPreKeyPublic().serialize(), bundle.kyberPreKeySignature())).toBe(true);
  });

  it('rotates the signed prekey once it is a rotation period old, and drops it after the retention period', async () => {
    const { issuer: prekeys, records, clock } = await issuer({ signedPreKeyRotationMs: 7 * DAY_MS, signedPreKeyRetentionMs: 30 * DAY_MS });
    expect((await prekeys.issue()).signedPreKeyId()).toBe(1);
    clock.now += 7 * DAY_MS - 1;
    expect((await prekeys.issue()).signedPreKeyId()).toBe(1);
    clock.now += 1;
    expect((await prekeys.issue()).signedPreKeyId()).toBe(2);
    expect(await sortedKeys(records, 'signed-prekey')).toEqual([1, 2]);

    // Key 1 retired when key 2 appeared; it stays for 30 days after that, during which key 2 rotates too.
    clock.now += 30 * DAY_MS;
    expect((await prekeys.issue()).signedPreKeyId()).toBe(3);
    expect(await sortedKeys(records, 'signed-prekey')).toEqual([1, 2, 3]);
    clock.now += 1;
    await prekeys.issue();
    expect(await sortedKeys(records, 'signed-prekey')).toEqual([2, 3]);
    const current = SignedPreKeyRecord.deserialize(Uint8Array.from((await records.get('signed-prekey', '3'))!));
    expect(current.timestamp()).toBe(clock.now - 1);
  });

  it('keeps at most the configured number of unused one-time prekeys, dropping the oldest', async () => {
    const { issuer: prekeys, records } = await issuer({ maxOneTimePreKeys: 3 });
    for (let i = 0; i < 5; i++) await prekeys.issue();
    expect(await sortedKeys(records, 'prekey')).toEqual([3, 4, 5]);
    expect(await sortedKeys(records, 'kyber-prekey')).toEqual([3, 4, 5]);
  });

  it('never reuses an id after the keys holding it were used, and survives a reload', async () => {
    const { issuer: prekeys, records } = await issuer();
    await prekeys.issue();
    await records.delete('prekey', '1');
    await records.delete('kyber-prekey', '1');
    const again = new PreKeyIssuer(records, await loadOrCreateLocalIdentity(records), DEFAULT_PREKEY_POLICY, () => new Date());
    expect((await again.issue()).preKeyId()).toBe(2);
  });

  it('refuses damaged id counters instead of restarting at 1', async () => {
    const { issuer: prekeys, records } = await issuer();
    await records.put('local', 'next-prekey-ids', Uint8Array.of(1, 2, 3));
    await expect(prekeys.issue()).rejects.toThrow(SignalRecordError);
  });
});
