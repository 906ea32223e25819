// The in-memory record store keeps kinds apart and never shares a buffer with its callers.
import { describe, expect, it } from 'vitest';
import { InMemorySignalRecordStore, SIGNAL_RECORD_KINDS } from './record-store.js';

describe('InMemorySignalRecordStore', () => {
  it('gets, lists and deletes records per kind', async () => {
    const store = new InMemorySignalRecordStore();
    await store.put('prekey', '1', Uint8Array.of(1));
    await store.put('kyber-prekey', '1', Uint8Array.of(2));
    expect(await store.get('prekey', '1')).toEqual(Uint8Array.of(1));
    expect(await store.get('kyber-prekey', '1')).toEqual(Uint8Array.of(2));
    expect(await store.get('signed-prekey', '1')).toBeUndefined();
    expect(await store.keys('prekey')).toEqual(['1']);
    await store.delete('prekey', '1');
    expect(await store.get('prekey', '1')).toBeUndefined();
    expect(await store.keys('prekey')).toEqual([]);
  });

  it('keeps every kind apart under the same key', async () => {
    const store = new InMemorySignalRecordStore();
    for (const [index, kind] of SIGNAL_RECORD_KINDS.entries()) await store.put(kind, 'same', Uint8Array.of(index));
    for (const [index, kind] of SIGNAL_RECORD_KINDS.entries()) expect(await store.get(kind, 'same')).toEqual(Uint8Array.of(index));
    expect(SIGNAL_RECORD_KINDS).toHaveLength(6);
  });

  it('copies values in and out', async () => {
    const store = new InMemorySignalRecordStore();
    const value = Uint8Array.of(1, 2, 3);
    await store.put('session', 'a.1', value);
    value[0] = 9;
    const read = await store.get('session', 'a.1');
    expect(read).toEqual(Uint8Array.of(1, 2, 3));
    read![1] = 9;
    expect(await store.get('session', 'a.1')).toEqual(Uint8Array.of(1, 2, 3));
  });
});
