// Work nobody awaits (presence and typing, frames, a link coming up) failing on a full disk: logged, never an unhandled rejection.
// (Frames and link-up run in the peer's chain, whose own handler logs; those two tests guard that.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { linkDown, linkUp, pairPerTest, settle, type Party } from './messenger-test-kit.js';

const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

describe('background work on a full disk', () => {
  let alice: Party;
  let bob: Party;
  pairPerTest((a, b) => ([alice, bob] = [a, b]));

  const unhandled: unknown[] = [];
  const collect = (reason: unknown): void => void unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', collect);
  });
  afterEach(() => {
    process.off('unhandledRejection', collect);
    vi.restoreAllMocks();
  });

  it('logs typing and presence that could not be saved before sending, and sends nothing', async () => {
    vi.spyOn(alice.session.state, 'persist').mockRejectedValue(enospc());
    const before = alice.links.sent.length;
    alice.messenger.setTyping(bob.address, true);
    await alice.messenger.setPresence({ status: 'away', text: 'out' });
    await settle();
    expect(unhandled).toEqual([]);
    expect(alice.logged.filter((l) => l.includes('ENOSPC')).map((l) => l.split(':')[0])).toEqual([`could not send typing to ${bob.address}`, `could not send presence to ${bob.address}`]);
    expect(alice.links.sent.length).toBe(before);
  });

  it('logs a message that could not be stored when it came, and Alice keeps it until Bob has room', async () => {
    const update = vi.spyOn(bob.session.state, 'update').mockRejectedValue(enospc());
    const message = await alice.messenger.sendText(bob.address, 'no room at Bob');
    await settle();
    expect(unhandled).toEqual([]);
    expect(bob.logged.some((l) => l.startsWith(`work for ${alice.address} failed`) && l.includes('ENOSPC'))).toBe(true);
    expect(alice.session.state.outbox().map((e) => e.id)).toEqual([message.id]);

    // Room again: the next link brings it.
    update.mockRestore();
    linkDown(alice.links, bob.links);
    linkUp(alice.links, bob.links);
    await vi.waitFor(() => expect(bob.events['message.received']?.map((m) => m.text)).toEqual(['no room at Bob']), { timeout: 10_000 });
  });

  it('logs a link coming up whose greetings could not be saved', async () => {
    linkDown(alice.links, bob.links);
    vi.spyOn(alice.session.state, 'persist').mockRejectedValue(enospc());
    linkUp(alice.links, bob.links);
    await settle();
    expect(unhandled).toEqual([]);
    expect(alice.logged.some((l) => l.startsWith(`work for ${bob.address} failed`) && l.includes('ENOSPC'))).toBe(true);
  });
});
