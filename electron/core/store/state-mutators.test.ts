// Tests for the state mutators: several named changes in one durable write, a missing contact changed nowhere, held messages kept.
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProfileStore, type ProfileSession, type ProfileStore } from './index.js';
import { FAST_KDF, GOOD_PASSWORD, contactRecord, outboxEntry, tempRoot } from './test-fixtures.js';

let root: string;
let store: ProfileStore;
let session: ProfileSession;

beforeEach(async () => {
  root = await tempRoot();
  store = createProfileStore({ rootDir: root, kdf: FAST_KDF });
  session = await store.createProfile({ nickname: 'Zebulon', password: GOOD_PASSWORD });
  await session.state.putContact(contactRecord({ address: 'a.onion', nickname: 'A' }));
});
afterEach(async () => {
  await session.lock();
  await store.close();
  await rm(root, { recursive: true, force: true });
});

async function reopen(): Promise<void> {
  await session.lock();
  session = await store.unlock(session.profile.id, GOOD_PASSWORD);
}

describe('StateMutators', () => {
  it('stores a contact change and an outbox entry together, and both survive a restart', async () => {
    await session.state.transact((tx) => {
      expect(tx.contacts.update('a.onion', { outSeq: 1, lastMessage: { text: 'hi', at: 1, direction: 'out' } })).toBe(true);
      tx.outbox.put(outboxEntry({ id: 'o1', to: 'a.onion', envelope: Uint8Array.of(1), seq: 1, via: 'relay', heldUntil: '2026-02-01T00:00:00.000Z' }));
    });
    await reopen();
    expect(session.state.contact('a.onion')).toMatchObject({ outSeq: 1, lastMessage: { text: 'hi' } });
    expect(session.state.outbox()).toMatchObject([{ id: 'o1', via: 'relay', heldUntil: '2026-02-01T00:00:00.000Z', envelope: Uint8Array.of(1) }]);
  });

  it('changes a contact through a function, and changes nothing for an address that is not a contact', async () => {
    expect(await session.state.updateContact('a.onion', (c) => (c.unread += 2))).toBe(true);
    expect(await session.state.updateContact('b.onion', { unread: 5 })).toBe(false);
    await reopen();
    expect(session.state.contact('a.onion')?.unread).toBe(2);
    expect(session.state.contact('b.onion')).toBeUndefined();
  });

  it('updates the scheduling of an outbox entry and removes every entry to a contact', async () => {
    await session.state.transact((tx) => {
      tx.outbox.put(outboxEntry({ id: 'o1', to: 'a.onion', envelope: Uint8Array.of(1), seq: 1 }));
      tx.outbox.put(outboxEntry({ id: 'o2', to: 'b.onion', envelope: Uint8Array.of(2), seq: 1 }));
    });
    await session.state.transact((tx) => {
      expect(tx.outbox.update('o1', { attempts: 2, nextAttemptAt: '2026-01-01T00:00:20.000Z' })).toBe(true);
      expect(tx.outbox.update('gone', { attempts: 1 })).toBe(false);
    });
    expect(session.state.outbox().find((e) => e.id === 'o1')).toMatchObject({ attempts: 2, nextAttemptAt: '2026-01-01T00:00:20.000Z' });
    await session.state.transact((tx) => tx.outbox.removeTo('a.onion'));
    await reopen();
    expect(session.state.outbox().map((e) => e.id)).toEqual(['o2']);
  });
});
