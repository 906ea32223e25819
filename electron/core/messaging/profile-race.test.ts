// What the user changes about a contact while a message from them is being decrypted is kept.
import { describe, expect, it } from 'vitest';
import { pairPerTest, settle, type Party } from './messenger-test-kit.js';

describe('a contact changed while their message is decrypted', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]));

  it('stays blocked and read when their new nickname arrives meanwhile', async () => {
    await alice.messenger.sendText(bob.address, 'unread');
    await settle();
    expect(bob.messenger.contact(alice.address).unread).toBe(1);
    // The user acts while a frame from Alice is being decrypted.
    const decrypt = bob.signal.decrypt.bind(bob.signal);
    bob.signal.decrypt = async (peer, ciphertext) => {
      const plaintext = await decrypt(peer, ciphertext);
      await bob.messenger.markRead(alice.address);
      await bob.messenger.setBlocked(alice.address, true);
      return plaintext;
    };
    await alice.session.state.setNickname('Alice B.');
    await alice.messenger.announceNickname();
    await settle();
    expect(bob.messenger.contact(alice.address)).toMatchObject({ theirNickname: 'Alice B.', unread: 0, blocked: true });
  });
});
