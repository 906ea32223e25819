// The session store writes every save through, and libsignal leaves the records it reads unchanged, which its cache relies on.
import { ProtocolAddress, processPreKeyBundle, signalEncrypt } from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { generateOnionKey } from '../identity/index.js';
import { RecordIdentityKeyStore } from './identity-key-store.js';
import { loadOrCreateLocalIdentity } from './local-identity.js';
import { DEFAULT_PREKEY_POLICY, PreKeyIssuer } from './prekey-issuer.js';
import { InMemorySignalRecordStore, type SignalRecordStore } from './record-store.js';
import { RecordSessionStore } from './session-store.js';

/** A record store whose next put fails, as a full disk would. */
class FailingOncePut extends InMemorySignalRecordStore implements SignalRecordStore {
  failNext = false;

  override put(kind: Parameters<SignalRecordStore['put']>[0], key: string, value: Uint8Array): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('disk full'));
    }
    return super.put(kind, key, value);
  }
}

async function sessionWithPeer(records: FailingOncePut): Promise<{ sessions: RecordSessionStore; identities: RecordIdentityKeyStore; peer: ProtocolAddress; local: ProtocolAddress }> {
  const peerRecords = new InMemorySignalRecordStore();
  const bundle = await new PreKeyIssuer(peerRecords, await loadOrCreateLocalIdentity(peerRecords), DEFAULT_PREKEY_POLICY, () => new Date()).issue();
  const local = await loadOrCreateLocalIdentity(records);
  const identities = new RecordIdentityKeyStore(records, local);
  const sessions = new RecordSessionStore(records);
  const peer = ProtocolAddress.new(generateOnionKey().address, 1);
  await identities.present(peer.name(), bundle.identityKey().serialize());
  await processPreKeyBundle(bundle, peer, ProtocolAddress.new(generateOnionKey().address, 1), sessions, identities);
  return { sessions, identities, peer, local: ProtocolAddress.new(generateOnionKey().address, 1) };
}

describe('RecordSessionStore', () => {
  it('stores each saved session under <address>.<device id>', async () => {
    const records = new FailingOncePut();
    const { peer } = await sessionWithPeer(records);
    expect(await records.keys('session')).toEqual([`${peer.name()}.1`]);
  });

  it('libsignal does not change the record it reads: the state before an encrypt is intact after it', async () => {
    const records = new FailingOncePut();
    const { sessions, identities, peer, local } = await sessionWithPeer(records);
    const before = await sessions.getSession(peer);
    const bytesBefore = before!.serialize();
    await signalEncrypt(Uint8Array.of(1), peer, local, sessions, identities);
    expect(before!.serialize()).toEqual(bytesBefore);
    expect((await sessions.getSession(peer))!.serialize()).not.toEqual(bytesBefore);
  });

  it('after a failed save, serves what the store holds rather than the unsaved state', async () => {
    const records = new FailingOncePut();
    const { sessions, identities, peer, local } = await sessionWithPeer(records);
    const stored = await records.get('session', `${peer.name()}.1`);
    records.failNext = true;
    await expect(signalEncrypt(Uint8Array.of(1), peer, local, sessions, identities)).rejects.toThrow('disk full');
    expect((await sessions.getSession(peer))!.serialize()).toEqual(stored);
  });
});
