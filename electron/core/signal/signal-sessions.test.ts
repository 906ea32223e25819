// Two profiles with real libsignal and in-memory records: set-up from an introduction, the ratchet, forgeries, trust.
import { describe, expect, it } from 'vitest';
import { generateOnionKey, OnionAddressError, type OnionKey } from '../identity/index.js';
import {
  BindingError,
  BundleFormatError,
  DecryptionError,
  DuplicateMessageError,
  IdentityChangedError,
  NoIdentityChangeError,
  StalePreKeyError,
  UnknownPeerError,
  UntrustedIdentityError,
} from './errors.js';
import { decodePreKeyEnvelope, encodePreKeyEnvelope } from './prekey-message.js';
import { InMemorySignalRecordStore } from './record-store.js';
import { type SignalCiphertext, SignalSessions } from './signal-sessions.js';

interface Party {
  readonly onionKey: OnionKey;
  readonly address: string;
  readonly records: InMemorySignalRecordStore;
  readonly sessions: SignalSessions;
}

async function party(onionKey = generateOnionKey(), records = new InMemorySignalRecordStore()): Promise<Party> {
  return { onionKey, address: onionKey.address, records, sessions: await SignalSessions.open({ records, onionKey }) };
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const read = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Alice introduces herself, Bob starts the session, Bob's first message reaches Alice: both sides have a session. */
async function connected(): Promise<{ alice: Party; bob: Party }> {
  const alice = await party();
  const bob = await party();
  await bob.sessions.startSession(alice.address, await alice.sessions.localIdentity());
  const hello = await bob.sessions.encrypt(alice.address, text('hello Alice'));
  expect(read(await alice.sessions.decrypt(bob.address, hello))).toBe('hello Alice');
  return { alice, bob };
}

async function send(from: Party, to: Party, message: string): Promise<SignalCiphertext> {
  return from.sessions.encrypt(to.address, text(message));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the operation was expected to fail');
}

function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

describe('session set-up and the ratchet', () => {
  it('carries messages both ways after Bob starts a session from Alice\'s introduction', async () => {
    const { alice, bob } = await connected();
    const reply = await send(alice, bob, 'hi Bob');
    expect(read(await bob.sessions.decrypt(alice.address, reply))).toBe('hi Bob');
    const again = await send(bob, alice, 'how are you?');
    expect(read(await alice.sessions.decrypt(bob.address, again))).toBe('how are you?');
  });

  it('sends prekey messages until the peer answers, whisper messages afterwards', async () => {
    const alice = await party();
    const bob = await party();
    await bob.sessions.startSession(alice.address, await alice.sessions.localIdentity());
    const first = await send(bob, alice, 'one');
    const second = await send(bob, alice, 'two');
    expect([first.kind, second.kind]).toEqual(['prekey', 'prekey']);
    expect(read(await alice.sessions.decrypt(bob.address, first))).toBe('one');
    expect(read(await alice.sessions.decrypt(bob.address, second))).toBe('two');

    const answer = await send(alice, bob, 'got them');
    expect(answer.kind).toBe('whisper');
    expect(read(await bob.sessions.decrypt(alice.address, answer))).toBe('got them');
    expect((await send(bob, alice, 'three')).kind).toBe('whisper');
  });

  it('gives its binding alone without minting prekeys', async () => {
    const alice = await party();
    const { signalIdentityKey, binding } = await alice.sessions.localIdentity();
    expect(alice.sessions.localBinding()).toEqual({ signalIdentityKey, binding });
    expect(await alice.records.keys('prekey')).toHaveLength(1);
  });

  it('consumes the one-time prekeys the session was built from', async () => {
    const alice = await party();
    const bob = await party();
    await bob.sessions.startSession(alice.address, await alice.sessions.localIdentity());
    expect(await alice.records.keys('prekey')).toHaveLength(1);
    expect(await alice.records.keys('kyber-prekey')).toHaveLength(1);
    await alice.sessions.decrypt(bob.address, await send(bob, alice, 'hello'));
    expect(await alice.records.keys('prekey')).toEqual([]);
    expect(await alice.records.keys('kyber-prekey')).toEqual([]);
  });

  it('decrypts messages that arrive out of order', async () => {
    const { alice, bob } = await connected();
    const sent = [];
    for (let i = 0; i < 8; i++) sent.push(await send(bob, alice, `message ${i}`));
    for (const i of [5, 0, 7, 2, 1, 6, 3, 4]) {
      expect(read(await alice.sessions.decrypt(bob.address, sent[i]!))).toBe(`message ${i}`);
    }
  });

  it('keeps up over many messages in bursts from alternating sides', async () => {
    const { alice, bob } = await connected();
    for (let round = 0; round < 20; round++) {
      const [from, to] = round % 2 === 0 ? [alice, bob] : [bob, alice];
      const burst = [];
      for (let i = 0; i < 10; i++) burst.push(await send(from, to, `${round}/${i}`));
      for (let i = 0; i < 10; i++) expect(read(await to.sessions.decrypt(from.address, burst[i]!))).toBe(`${round}/${i}`);
    }
  });

  it('keeps the ratchet whole under concurrent encrypts for one peer', async () => {
    const { alice, bob } = await connected();
    const messages = Array.from({ length: 40 }, (_, i) => `concurrent ${i}`);
    const sent = await Promise.all(messages.map((message) => send(bob, alice, message)));
    const received = [];
    for (const ciphertext of sent) received.push(read(await alice.sessions.decrypt(bob.address, ciphertext)));
    expect(received).toEqual(messages);
  });

  it('settles when both sides start a session at once (each accepted the other\'s request)', async () => {
    const alice = await party();
    const bob = await party();
    const [aliceIntro, bobIntro] = [await alice.sessions.localIdentity(), await bob.sessions.localIdentity()];
    await alice.sessions.startSession(bob.address, bobIntro);
    await bob.sessions.startSession(alice.address, aliceIntro);
    const fromAlice = await send(alice, bob, 'crossing 1');
    const fromBob = await send(bob, alice, 'crossing 2');
    expect(read(await bob.sessions.decrypt(alice.address, fromAlice))).toBe('crossing 1');
    expect(read(await alice.sessions.decrypt(bob.address, fromBob))).toBe('crossing 2');
    for (let i = 0; i < 4; i++) {
      const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
      expect(read(await to.sessions.decrypt(from.address, await send(from, to, `after ${i}`)))).toBe(`after ${i}`);
    }
  });

  it('survives a restart: a profile reopened over the same records continues its sessions', async () => {
    const { alice, bob } = await connected();
    const reopened = await party(alice.onionKey, alice.records);
    const before = await alice.sessions.localIdentity();
    const after = await reopened.sessions.localIdentity();
    expect(after.signalIdentityKey).toEqual(before.signalIdentityKey);
    const message = await send(reopened, bob, 'after restart');
    expect(read(await bob.sessions.decrypt(alice.address, message))).toBe('after restart');
  });

  it('accepts peer addresses in any form people type, and refuses what is not an address', async () => {
    const { alice, bob } = await connected();
    const message = await bob.sessions.encrypt(`  ${alice.address.toUpperCase()}.onion`, text('typed'));
    expect(read(await alice.sessions.decrypt(`${bob.address}.onion`, message))).toBe('typed');
    await expect(bob.sessions.encrypt('not-an-address', text('x'))).rejects.toThrow(OnionAddressError);
  });

  it('refuses to encrypt without a session, naming the peer', async () => {
    const alice = await party();
    const bob = await party();
    const error = await rejection(bob.sessions.encrypt(alice.address, text('too early')));
    expect(error).toBeInstanceOf(UnknownPeerError);
    expect(error).toMatchObject({ peerAddress: alice.address, missing: 'session' });
    expect(await bob.sessions.hasSession(alice.address)).toBe(false);
  });
});

describe('damaged and replayed messages', () => {
  it('a tampered whisper message is a DecryptionError and the session still works afterwards', async () => {
    const { alice, bob } = await connected();
    const message = await send(alice, bob, 'original');
    const tampered = { kind: message.kind, body: flipByte(message.body, message.body.length - 12) };
    const error = await rejection(bob.sessions.decrypt(alice.address, tampered));
    expect(error).toBeInstanceOf(DecryptionError);
    expect(error).toMatchObject({ reason: 'rejected', peerAddress: alice.address });
    expect(read(await bob.sessions.decrypt(alice.address, message))).toBe('original');
    expect(read(await bob.sessions.decrypt(alice.address, await send(alice, bob, 'next')))).toBe('next');
  });

  it('a tampered prekey message is refused and the real one still decrypts', async () => {
    const alice = await party();
    const bob = await party();
    await bob.sessions.startSession(alice.address, await alice.sessions.localIdentity());
    const message = await send(bob, alice, 'first');
    const tampered = { kind: message.kind, body: flipByte(message.body, message.body.length - 12) };
    await expect(alice.sessions.decrypt(bob.address, tampered)).rejects.toThrow(DecryptionError);
    expect(read(await alice.sessions.decrypt(bob.address, message))).toBe('first');
  });

  it('bytes that are no Signal message are malformed, for either kind', async () => {
    const { alice, bob } = await connected();
    for (const kind of ['prekey', 'whisper'] as const) {
      for (const body of [new Uint8Array(0), Uint8Array.of(1), text('garbage garbage garbage')]) {
        const error = await rejection(alice.sessions.decrypt(bob.address, { kind, body }));
        expect(error).toBeInstanceOf(DecryptionError);
        expect(error).toMatchObject({ reason: 'malformed' });
      }
    }
    expect(read(await alice.sessions.decrypt(bob.address, await send(bob, alice, 'still fine')))).toBe('still fine');
  });

  it('a prekey message received twice is a DuplicateMessageError the second time', async () => {
    const alice = await party();
    const bob = await party();
    await bob.sessions.startSession(alice.address, await alice.sessions.localIdentity());
    const message = await send(bob, alice, 'first');
    await alice.sessions.decrypt(bob.address, message);
    await expect(alice.sessions.decrypt(bob.address, message)).rejects.toThrow(DuplicateMessageError);
  });

  it('a prekey message built on a prekey no longer held is a StalePreKeyError, naming the prekey', async () => {
    const alice = await party();
    const bob = await party();
    await bob.sessions.startSession(alice.address, await alice.sessions.localIdentity());
    await alice.records.delete('prekey', '1');
    const error = await rejection(alice.sessions.decrypt(bob.address, await send(bob, alice, 'late')));
    expect(error).toBeInstanceOf(StalePreKeyError);
    expect(error).toMatchObject({ peerAddress: bob.address });
    expect(String((error as Error).cause)).toContain('No prekey with id 1 is held');
  });

  it('after forgetSession, what the peer still sends on the old session is not read, and a new introduction works', async () => {
    const { alice, bob } = await connected();
    await bob.sessions.decrypt(alice.address, await send(alice, bob, 'hi'));
    await alice.sessions.forgetSession(bob.address);
    expect(await alice.sessions.hasSession(bob.address)).toBe(false);
    await expect(alice.sessions.decrypt(bob.address, await send(bob, alice, 'still there?'))).rejects.toThrow(DecryptionError);

    await bob.sessions.startSession(alice.address, await alice.sessions.localIdentity());
    expect(read(await alice.sessions.decrypt(bob.address, await send(bob, alice, 'again')))).toBe('again');
  });

  it('a prekey message whose bound identity key is no key is malformed, and trusts nothing', async () => {
    const bob = await party();
    const mallory = await party();
    await mallory.sessions.startSession(bob.address, await bob.sessions.localIdentity());
    const envelope = decodePreKeyEnvelope(mallory.address, (await send(mallory, bob, 'hi')).body);
    // Mallory's onion key binds bytes that are no Signal key: the binding checks, the key does not.
    const notAKey = new Uint8Array(33).fill(0x42);
    const body = encodePreKeyEnvelope({ ...envelope, identityKey: notAKey, binding: Uint8Array.from(mallory.onionKey.sign(Uint8Array.of(...new TextEncoder().encode('allium-bind-v1'), ...notAKey))) });
    await expect(bob.sessions.decrypt(mallory.address, { kind: 'prekey', body })).rejects.toMatchObject({ name: 'DecryptionError', reason: 'malformed' });
    expect(await bob.sessions.peerIdentity(mallory.address)).toBeUndefined();
  });

  it('a message received twice is a DuplicateMessageError the second time', async () => {
    const { alice, bob } = await connected();
    const message = await send(alice, bob, 'once');
    await bob.sessions.decrypt(alice.address, message);
    await expect(bob.sessions.decrypt(alice.address, message)).rejects.toThrow(DuplicateMessageError);
  });
});

describe('binding of Signal keys to onion addresses', () => {
  it('refuses an introduction for Alice\'s address bound by Mallory\'s onion key', async () => {
    const alice = await party();
    const bob = await party();
    const mallory = await party();
    const forged = await mallory.sessions.localIdentity();
    const error = await rejection(bob.sessions.startSession(alice.address, forged));
    expect(error).toBeInstanceOf(BindingError);
    expect(error).toMatchObject({ reason: 'signature', peerAddress: alice.address });
    expect(await bob.sessions.peerIdentity(alice.address)).toBeUndefined();
    expect(await bob.sessions.hasSession(alice.address)).toBe(false);
  });

  it('refuses Alice\'s binding presented with Mallory\'s key, and a bundle of another identity', async () => {
    const alice = await party();
    const bob = await party();
    const mallory = await party();
    const real = await alice.sessions.localIdentity();
    const malloryIntro = await mallory.sessions.localIdentity();
    await expect(
      bob.sessions.startSession(alice.address, { ...real, signalIdentityKey: malloryIntro.signalIdentityKey }),
    ).rejects.toMatchObject({ name: 'BindingError', reason: 'signature' });
    await expect(
      bob.sessions.startSession(alice.address, { ...real, prekeyBundle: malloryIntro.prekeyBundle }),
    ).rejects.toMatchObject({ name: 'BindingError', reason: 'bundle-identity' });
    expect(await bob.sessions.peerIdentity(alice.address)).toBeUndefined();
  });

  it('refuses a prekey message claiming to be Alice\'s from Mallory, with her own or Alice\'s binding', async () => {
    const alice = await party();
    const bob = await party();
    const mallory = await party();
    await mallory.sessions.startSession(bob.address, await bob.sessions.localIdentity());
    const fromMallory = await send(mallory, bob, 'I am Alice');
    await expect(bob.sessions.decrypt(alice.address, fromMallory)).rejects.toThrow(BindingError);

    const aliceBinding = (await alice.sessions.localIdentity()).binding;
    const envelope = decodePreKeyEnvelope(mallory.address, fromMallory.body);
    const withAliceBinding = { kind: 'prekey' as const, body: encodePreKeyEnvelope({ ...envelope, binding: Uint8Array.from(aliceBinding) }) };
    await expect(bob.sessions.decrypt(alice.address, withAliceBinding)).rejects.toThrow(BindingError);
    expect(await bob.sessions.peerIdentity(alice.address)).toBeUndefined();
  });

  it('refuses Mallory\'s prekey message wrapped in Alice\'s genuine key and binding', async () => {
    const alice = await party();
    const bob = await party();
    const mallory = await party();
    await mallory.sessions.startSession(bob.address, await bob.sessions.localIdentity());
    const fromMallory = await send(mallory, bob, 'I am Alice');
    const alicePublic = await alice.sessions.localIdentity();
    const envelope = decodePreKeyEnvelope(mallory.address, fromMallory.body);
    const disguised = encodePreKeyEnvelope({
      ...envelope,
      identityKey: Uint8Array.from(alicePublic.signalIdentityKey),
      binding: Uint8Array.from(alicePublic.binding),
    });
    await expect(bob.sessions.decrypt(alice.address, { kind: 'prekey', body: disguised })).rejects.toThrow(UntrustedIdentityError);
    expect(await bob.sessions.hasSession(alice.address)).toBe(false);
  });

  it('refuses a bundle whose signed prekey was tampered with', async () => {
    const alice = await party();
    const bob = await party();
    const intro = await alice.sessions.localIdentity();
    // Byte 12 is inside the one-time prekey's public key; byte 52 inside the signed prekey's.
    const error = await rejection(bob.sessions.startSession(alice.address, { ...intro, prekeyBundle: flipByte(intro.prekeyBundle, 52) }));
    expect(error).toBeInstanceOf(BundleFormatError);
    expect(error).toMatchObject({ reason: 'signature' });
    expect(await bob.sessions.hasSession(alice.address)).toBe(false);
  });
});

describe('identity changes', () => {
  /** Alice reinstalls: same onion key, new Signal identity. */
  async function reinstalled(alice: Party): Promise<Party> {
    return party(alice.onionKey);
  }

  it('a new key in an introduction is recorded as changed and not trusted until accepted', async () => {
    const { alice, bob } = await connected();
    const trustedKey = (await bob.sessions.peerIdentity(alice.address))?.identityKey;
    const newAlice = await reinstalled(alice);
    const intro = await newAlice.sessions.localIdentity();

    const error = await rejection(bob.sessions.startSession(alice.address, intro));
    expect(error).toBeInstanceOf(IdentityChangedError);
    expect(error).toMatchObject({ peerAddress: alice.address });
    expect(await bob.sessions.peerIdentity(alice.address)).toEqual({
      status: 'changed',
      identityKey: trustedKey,
      pendingIdentityKey: intro.signalIdentityKey,
    });
    // Refused again on retry: nothing was trusted by the first attempt.
    await expect(bob.sessions.startSession(alice.address, intro)).rejects.toThrow(IdentityChangedError);

    await bob.sessions.acceptIdentityChange(alice.address);
    expect(await bob.sessions.peerIdentity(alice.address)).toEqual({ status: 'trusted', identityKey: intro.signalIdentityKey });
    await bob.sessions.startSession(alice.address, intro);
    const message = await send(bob, newAlice, 'welcome back');
    expect(read(await newAlice.sessions.decrypt(bob.address, message))).toBe('welcome back');
  });

  it('a prekey message from a changed key is refused, and decrypts once the change is accepted', async () => {
    const { alice, bob } = await connected();
    const newAlice = await reinstalled(alice);
    await newAlice.sessions.startSession(bob.address, await bob.sessions.localIdentity());
    const message = await send(newAlice, bob, 'new phone who dis');

    await expect(bob.sessions.decrypt(alice.address, message)).rejects.toThrow(IdentityChangedError);
    expect((await bob.sessions.peerIdentity(alice.address))?.status).toBe('changed');
    await bob.sessions.acceptIdentityChange(alice.address);
    expect(read(await bob.sessions.decrypt(alice.address, message))).toBe('new phone who dis');
  });

  it('while a change is pending the old session only receives; once it is accepted, it neither sends nor receives', async () => {
    const { alice, bob } = await connected();
    const fromOldAlice = await send(alice, bob, 'from the old install');
    await expect(bob.sessions.startSession(alice.address, await (await reinstalled(alice)).sessions.localIdentity())).rejects.toThrow(
      IdentityChangedError,
    );
    // Until the user decides, what the old key still writes is read, but nothing goes out on its session: whoever holds
    // Alice's address now claims another key.
    const fromOldWhilePending = await send(alice, bob, 'still me');
    expect(read(await bob.sessions.decrypt(alice.address, fromOldWhilePending))).toBe('still me');
    expect(await bob.sessions.hasSession(alice.address)).toBe(false);
    await expect(send(bob, alice, 'still you?')).rejects.toThrow(UntrustedIdentityError);

    await bob.sessions.acceptIdentityChange(alice.address);
    await expect(bob.sessions.decrypt(alice.address, fromOldAlice)).rejects.toThrow(UntrustedIdentityError);
    await expect(send(bob, alice, 'to the old key')).rejects.toThrow(UntrustedIdentityError);
  });

  it('verification: marked, refused while a change is pending, lost when a change is accepted', async () => {
    const { alice, bob } = await connected();
    await expect(bob.sessions.acceptIdentityChange(alice.address)).rejects.toThrow(NoIdentityChangeError);
    await bob.sessions.markVerified(alice.address);
    expect((await bob.sessions.peerIdentity(alice.address))?.status).toBe('verified');

    const newAlice = await reinstalled(alice);
    await expect(bob.sessions.startSession(alice.address, await newAlice.sessions.localIdentity())).rejects.toThrow(
      IdentityChangedError,
    );
    await expect(bob.sessions.markVerified(alice.address)).rejects.toThrow(IdentityChangedError);
    await bob.sessions.acceptIdentityChange(alice.address);
    expect((await bob.sessions.peerIdentity(alice.address))?.status).toBe('trusted');

    const stranger = await party();
    await expect(bob.sessions.markVerified(stranger.address)).rejects.toThrow(UnknownPeerError);
  });
});

describe('safety numbers', () => {
  it('are 60 digits and the same on both sides', async () => {
    const { alice, bob } = await connected();
    const onAlice = await alice.sessions.safetyNumber(bob.address);
    expect(onAlice).toMatch(/^\d{60}$/);
    expect(await bob.sessions.safetyNumber(alice.address)).toBe(onAlice);
  });

  it('differ for another pair and after a key change', async () => {
    const { alice, bob } = await connected();
    const before = await bob.sessions.safetyNumber(alice.address);
    const other = await connected();
    expect(await other.bob.sessions.safetyNumber(other.alice.address)).not.toBe(before);

    const newAlice = await party(alice.onionKey);
    await expect(bob.sessions.startSession(alice.address, await newAlice.sessions.localIdentity())).rejects.toThrow(
      IdentityChangedError,
    );
    await bob.sessions.acceptIdentityChange(alice.address);
    expect(await bob.sessions.safetyNumber(alice.address)).not.toBe(before);
  });

  it('need a known identity', async () => {
    const alice = await party();
    const bob = await party();
    await expect(bob.sessions.safetyNumber(alice.address)).rejects.toThrow(UnknownPeerError);
  });
});
