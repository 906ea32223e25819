// The messenger facing strangers: a flood of contact requests is bounded, forged ones are dropped, the core keeps answering.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOnionKey, type OnionKey } from '../identity/index.js';
import { LinkManager } from '../link/index.js';
import type { ContactRequestFrame } from '../protocol/index.js';
import { SignalSessions } from '../signal/index.js';
import { createBinding } from '../signal/binding.js';
import { StateSignalRecords, createProfileStore, type ProfileSession, type ProfileStore } from '../store/index.js';
import { FAST_KDF, GOOD_PASSWORD, tempRoot } from '../store/test-fixtures.js';
import { Messenger } from './messenger.js';
import { RequestLimiter } from './request-limiter.js';

/** A request as a stranger would send it: a real binding of a Signal-sized key to the stranger's onion key. */
function requestFrom(stranger: OnionKey, binding?: Uint8Array): ContactRequestFrame {
  const signalIdentityKey = randomBytes(33);
  return {
    type: 'contact-request',
    nickname: 'Stranger',
    message: 'let me in',
    signalIdentityKey,
    binding: binding ?? createBinding(stranger, signalIdentityKey),
    prekeyBundle: randomBytes(64),
  };
}

describe('Messenger with strangers', () => {
  let root: string;
  let store: ProfileStore;
  let session: ProfileSession;
  let links: LinkManager;
  let messenger: Messenger;
  const logged: string[] = [];

  beforeEach(async () => {
    root = await tempRoot();
    store = createProfileStore({ rootDir: root, kdf: FAST_KDF });
    session = await store.createProfile({ nickname: 'Bob', password: GOOD_PASSWORD });
    const bob = generateOnionKey();
    const signal = await SignalSessions.open({ records: new StateSignalRecords(session.state), onionKey: bob });
    // No dialing in these tests: frames arrive as the link layer hands them up, from authenticated addresses.
    links = new LinkManager({ localAddress: bob.address, dial: () => Promise.reject(new Error('no network in this test')) });
    messenger = new Messenger({
      localAddress: bob.address,
      onionKey: bob,
      session,
      signal,
      links,
      limiter: new RequestLimiter({ perAddress: 3, overall: 30, windowMs: 60 * 60_000, maxPending: 200 }),
      log: (line) => logged.push(line),
    });
    await messenger.start();
  });

  afterEach(async () => {
    messenger.stop();
    links.close();
    await session.lock();
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  /** Lets every queued per-peer task finish. */
  async function settle(): Promise<void> {
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  it('keeps only as many requests from a flood of 1,000 strangers as the overall limit allows, and still answers', async () => {
    const strangers = Array.from({ length: 1_000 }, () => generateOnionKey());
    for (const stranger of strangers) links.emit('frame', { peer: stranger.address, frame: requestFrom(stranger) });
    await settle();
    const requests = messenger.requests();
    expect(requests).toHaveLength(30);
    expect(new Set(requests.map((r) => r.address)).size).toBe(30);
    expect(logged.filter((l) => l.includes('rate-limited-overall')).length).toBe(970);
    expect(messenger.contacts()).toEqual([]);
  });

  it('keeps a request that survives a restart of the profile', async () => {
    const alice = generateOnionKey();
    links.emit('frame', { peer: alice.address, frame: requestFrom(alice) });
    await settle();
    await session.lock();
    session = await store.unlock(session.profile.id, GOOD_PASSWORD);
    expect(session.state.contactRequests().map((r) => [r.address, r.message])).toEqual([[alice.address, 'let me in']]);
  });

  it('announces a request once, however often its sender reconnects and sends it again', async () => {
    const alice = generateOnionKey();
    const received: unknown[] = [];
    messenger.on('request.received', (event) => received.push(event));
    const request = requestFrom(alice);
    for (let reconnect = 0; reconnect < 5; reconnect++) {
      links.emit('frame', { peer: alice.address, frame: request });
      await settle();
    }
    expect(received).toHaveLength(1);
    expect(messenger.requests().map((r) => r.address)).toEqual([alice.address]);
    expect(logged.filter((l) => l.includes(alice.address))).toEqual([]);
  });

  it('does not show again a rejected request that its sender repeats, but shows a new one', async () => {
    const alice = generateOnionKey();
    const request = requestFrom(alice);
    links.emit('frame', { peer: alice.address, frame: request });
    await settle();
    await messenger.rejectRequest(alice.address, false);
    links.emit('frame', { peer: alice.address, frame: request });
    await settle();
    expect(messenger.requests()).toEqual([]);
    links.emit('frame', { peer: alice.address, frame: { ...requestFrom(alice), message: 'please, it is really me' } });
    await settle();
    expect(messenger.requests().map((r) => r.message)).toEqual(['please, it is really me']);
  });

  it('drops a request whose binding was not signed by the sender’s onion key', async () => {
    const mallory = generateOnionKey();
    const alice = generateOnionKey();
    const forged = requestFrom(mallory, createBinding(alice, randomBytes(33)));
    links.emit('frame', { peer: mallory.address, frame: forged });
    await settle();
    expect(messenger.requests()).toEqual([]);
    expect(logged.some((l) => l.includes(`refused a contact request from ${mallory.address}`))).toBe(true);
  });

  it('ignores Signal messages from an address that is not a contact', async () => {
    const stranger = generateOnionKey();
    links.emit('frame', { peer: stranger.address, frame: { type: 'signal', kind: 'whisper', body: randomBytes(80) } });
    await settle();
    expect(logged).toContain(`dropped a Signal message from non-contact ${stranger.address}`);
  });

  it('refuses an address with a typo and its own address, with reasons a person understands', async () => {
    const friend = generateOnionKey().address;
    const typo = `${friend.slice(0, 20)}${friend[20] === 'q' ? 'r' : 'q'}${friend.slice(21)}`;
    await expect(messenger.addContact(typo, 'Friend', '')).rejects.toMatchObject({ code: 'invalid-address', message: expect.stringMatching(/typo/) as unknown });
    await expect(messenger.addContact('not an address', 'Friend', '')).rejects.toMatchObject({ code: 'invalid-address' });
  });
});
