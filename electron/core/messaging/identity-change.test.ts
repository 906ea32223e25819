// A contact whose Signal key changes: the user is warned, and once they accept the new key they can talk again.
import { describe, expect, it } from 'vitest';
import { InMemorySignalRecordStore, SignalSessions } from '../signal/index.js';
import { encodeEnvelope, makeEnvelope } from './envelope.js';
import { linkDown, linkUp, pairPerTest, settle, type Party } from './messenger-test-kit.js';

describe('a contact whose identity key changed', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]));

  /** Alice's onion key in a fresh install (new Signal key) starts a session with Bob and says hello. */
  async function helloFromNewInstall(): Promise<void> {
    const reinstalled = await SignalSessions.open({ records: new InMemorySignalRecordStore(), onionKey: alice.key });
    await reinstalled.startSession(bob.address, await bob.signal.localIdentity());
    const hello = makeEnvelope({ kind: 'presence', presence: { status: 'available', text: 'new phone' } });
    const sealed = await reinstalled.encrypt(bob.address, encodeEnvelope(hello));
    bob.links.emit('frame', { peer: alice.address, frame: { type: 'signal', kind: sealed.kind, body: sealed.body } });
    await settle();
  }

  it('keeps what arrived while the user was accepting the change', async () => {
    await helloFromNewInstall();
    const accept = bob.signal.acceptIdentityChange.bind(bob.signal);
    bob.signal.acceptIdentityChange = async (peer) => {
      // A message on the old session is stored while the acceptance waits its turn.
      await alice.messenger.sendText(bob.address, 'meanwhile');
      await settle();
      return accept(peer);
    };
    await bob.messenger.acceptIdentityChange(alice.address);
    expect(bob.session.state.contact(alice.address)).toMatchObject({ identityChanged: false, inSeq: 1, unread: 1, lastMessage: { text: 'meanwhile' } });
  });

  it('holds queued messages while the change waits for review, instead of sending them on the old session', async () => {
    linkDown(alice.links, bob.links);
    const queued = await bob.messenger.sendText(alice.address, 'written while you were away');
    await helloFromNewInstall();
    expect(bob.messenger.contact(alice.address).identityChanged).toBe(true);

    // The old install comes back on a link: the queue must not go to it over the session of the key now disputed.
    linkUp(alice.links, bob.links);
    await settle();
    expect(alice.events['message.received']?.map((m) => m.text) ?? []).not.toContain('written while you were away');
    const states = bob.events['message.updated']?.filter((e) => e.id === queued.id).map((e) => e.state) ?? [];
    expect(states).not.toContain('sent');
    expect(states).not.toContain('failed');
    expect(bob.session.state.outbox().map((e) => e.id)).toContain(queued.id);
  });

  it('can be accepted for good, even if the old install still writes afterwards', async () => {
    await helloFromNewInstall();
    expect(bob.messenger.contact(alice.address).identityChanged).toBe(true);
    await bob.messenger.acceptIdentityChange(alice.address);
    expect(bob.messenger.contact(alice.address).identityChanged).toBe(false);

    // The old install, with the old key, is still running and writes on its old session.
    await alice.messenger.sendText(bob.address, 'from the old install');
    await settle();
    expect(bob.events['message.received']?.map((m) => m.text) ?? []).not.toContain('from the old install');
    // The user already accepted the new key; nothing is left for them to accept, so nothing may block sending.
    expect(bob.messenger.contact(alice.address).identityChanged).toBe(false);
    await expect(bob.messenger.sendText(alice.address, 'hi')).resolves.toMatchObject({ text: 'hi' });
  });
});
