// A contact who floods us with frames: the work waiting for them stays bounded and their real messages still arrive.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pairPerTest, settle, type Party } from './messenger-test-kit.js';

describe('a flooding contact', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]));

  it('has at most a bounded number of frames waiting, the rest dropped, and is heard again once caught up', async () => {
    const unreadable = (): string[] => bob.logged.filter((l) => l.startsWith(`could not read a message from ${alice.address}`));
    for (let i = 0; i < 5_000; i++) {
      bob.links.emit('frame', { peer: alice.address, frame: { type: 'signal', kind: 'whisper', body: randomBytes(120) } });
    }
    await settle();
    expect(unreadable().length).toBeGreaterThan(0);
    expect(unreadable().length).toBeLessThanOrEqual(256);
    expect(bob.logged.filter((l) => l.includes('too many frames waiting')).length).toBe(1);

    await alice.messenger.sendText(bob.address, 'still there?');
    await settle();
    expect(bob.events['message.received']?.map((m) => m.text)).toEqual(['still there?']);
  });
});
