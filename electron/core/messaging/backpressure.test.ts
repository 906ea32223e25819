// Sending into a busy link: a frame the link queued above its high-water mark was sent, and the rest of the outbox follows.
import { describe, expect, it, vi } from 'vitest';
import type { OnionAddress } from '../identity/index.js';
import type { ApplicationFrame } from '../protocol/index.js';
import { linkDown, linkUp, pairPerTest, settle, type Party } from './messenger-test-kit.js';

describe('a link above its high-water mark', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]));

  it('still sends the whole outbox when every frame is queued with a request to slow down', async () => {
    linkDown(alice.links, bob.links);
    for (const text of ['one', 'two', 'three']) await alice.messenger.sendText(bob.address, text);
    // As a socket does once its buffer is past the high-water mark: the frame is queued, and the answer is false.
    const send = alice.links.send.bind(alice.links);
    alice.links.send = (peer: OnionAddress, frame: ApplicationFrame): boolean => {
      send(peer, frame);
      return false;
    };
    linkUp(alice.links, bob.links);
    await settle();
    await vi.waitFor(() => expect(alice.events['message.updated']?.filter((e) => e.state === 'delivered')).toHaveLength(3), { timeout: 5_000 });
    expect(bob.events['message.received']?.map((m) => m.text)).toEqual(['one', 'two', 'three']);
  });
});
