// The in-memory record store keeps kinds apart and never shares a buffer with its callers.
import { describe, expect, it } from 'vitest';
import { InMemorySignalRecordStore } from './record-store.js';

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
