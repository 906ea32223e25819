// Handshake tests, sans-io: both state machines driven frame by frame with real ed25519 keys and a scripted clock.
import { describe, expect, it } from 'vitest';
import { generateOnionKey, type OnionAddress, type OnionKey } from '../identity/index.js';
import {
  AuthRefusedError,
  BadAuthProofError,
  BadCallerAddressError,
  CallerBlockedError,
  HandshakeTimeoutError,
  UnexpectedFrameError,
  UnsupportedVersionError,
} from './errors.js';
import type { AuthFrame, Frame } from './frames.js';
import { calleeReceive, calleeTick, startCalleeHandshake, type CalleeState } from './handshake-callee.js';
import { callerReceive, callerTick, startCallerHandshake, type AuthSigner, type CallerState } from './handshake-caller.js';
import type { HandshakeStep } from './handshake-step.js';

const alice = generateOnionKey();
const bob = generateOnionKey();
const carol = generateOnionKey();
const mallory = generateOnionKey();
const TIMEOUT = 30_000;

/** Distinct, reproducible "random" bytes: each call fills with the next counter value. */
function countingRandom(): (length: number) => Uint8Array {
  let counter = 0;
  return (length) => new Uint8Array(length).fill((counter += 1));
}

function callee(key: OnionKey, blocked: readonly string[] = [], seed = countingRandom()): HandshakeStep<CalleeState> {
  return startCalleeHandshake({ localAddress: key.address, isBlocked: (caller) => blocked.includes(caller), randomBytes: seed, now: 0, timeoutMs: TIMEOUT });
}

function caller(signer: AuthSigner, calleeAddress: OnionAddress): HandshakeStep<CallerState> {
  return startCallerHandshake({ signer, calleeAddress, randomBytes: (length) => new Uint8Array(length).fill(0xaa), now: 0, timeoutMs: TIMEOUT });
}

function only(frames: readonly Frame[]): Frame {
  expect(frames).toHaveLength(1);
  return frames[0]!;
}

/** Runs Hello → Auth and returns the Auth the caller sent together with the callee's state. */
function authFor(signer: AuthSigner, dialed: OnionAddress, answering: HandshakeStep<CalleeState>): { auth: AuthFrame; calleeState: CalleeState } {
  const afterHello = callerReceive(caller(signer, dialed).state, only(answering.send), 1);
  const auth = only(afterHello.send);
  if (auth.type !== 'auth') throw new Error(`expected auth, got ${auth.type}`);
  return { auth, calleeState: answering.state };
}

describe('handshake: success', () => {
  it('authenticates Alice to Bob and Bob to Alice by the address she dialed', () => {
    const bobStart = callee(bob);
    const hello = only(bobStart.send);
    expect(hello).toMatchObject({ type: 'hello', versions: [1] });

    const aliceStart = caller(alice, bob.address);
    expect(aliceStart.send).toEqual([]);
    const aliceAuth = callerReceive(aliceStart.state, hello, 10);
    expect(only(aliceAuth.send)).toMatchObject({ type: 'auth', version: 1, callerAddress: alice.address });

    const bobVerdict = calleeReceive(bobStart.state, only(aliceAuth.send), 20);
    expect(bobVerdict.send).toEqual([{ type: 'auth-ok' }]);
    expect(bobVerdict.events).toEqual([{ type: 'authenticated', peer: alice.address, version: 1 }]);
    expect(bobVerdict.state).toEqual({ phase: 'authenticated', peer: alice.address, version: 1, purpose: 'link' });

    const aliceDone = callerReceive(aliceAuth.state, { type: 'auth-ok' }, 30);
    expect(aliceDone.events).toEqual([{ type: 'authenticated', peer: bob.address, version: 1 }]);
    expect(aliceDone.send).toEqual([]);
  });

  it('agrees on the highest common version', () => {
    const step = startCallerHandshake({ signer: alice, calleeAddress: bob.address, randomBytes: countingRandom(), now: 0, timeoutMs: TIMEOUT, versions: [1, 2, 3] });
    const auth = callerReceive(step.state, { type: 'hello', versions: [1, 2, 9], nonce: new Uint8Array(32) }, 1);
    expect(only(auth.send)).toMatchObject({ type: 'auth', version: 2 });
  });
});

describe('handshake: Mallory is refused', () => {
  it('refuses a forged signature', () => {
    const { auth, calleeState } = authFor(alice, bob.address, callee(bob));
    const forged = { ...auth, signature: new Uint8Array(64).fill(3) };
    const verdict = calleeReceive(calleeState, forged, 2);
    expect(verdict.send).toEqual([{ type: 'auth-fail', reason: 'bad-proof' }]);
    expect(verdict.state).toMatchObject({ phase: 'failed', error: expect.any(BadAuthProofError) as unknown });
    expect(verdict.events).toEqual([{ type: 'failed', error: expect.any(BadAuthProofError) as unknown }]);
  });

  it("refuses Mallory's key presented with Alice's address", () => {
    const impostor: AuthSigner = { address: alice.address, sign: (message) => mallory.sign(message) };
    const { auth, calleeState } = authFor(impostor, bob.address, callee(bob));
    expect(auth.callerAddress).toBe(alice.address);
    expect(calleeReceive(calleeState, auth, 2).send).toEqual([{ type: 'auth-fail', reason: 'bad-proof' }]);
  });

  it('refuses a proof Alice made for another callee', () => {
    const { auth, calleeState } = authFor(alice, carol.address, callee(bob));
    expect(calleeReceive(calleeState, auth, 2).state).toMatchObject({ phase: 'failed', error: { code: 'bad-proof' } });
  });

  it('refuses a proof replayed from an earlier connection, because the nonce differs', () => {
    const first = authFor(alice, bob.address, callee(bob, [], countingRandom()));
    expect(calleeReceive(first.calleeState, first.auth, 2).send).toEqual([{ type: 'auth-ok' }]);
    const laterRandom = countingRandom();
    laterRandom(32);
    const second = callee(bob, [], laterRandom);
    expect(calleeReceive(second.state, first.auth, 2).send).toEqual([{ type: 'auth-fail', reason: 'bad-proof' }]);
  });

  it('refuses a caller address with a bad checksum as a bad address', () => {
    const { auth, calleeState } = authFor(alice, bob.address, callee(bob));
    const typo = `${auth.callerAddress.slice(0, 10)}${auth.callerAddress[10] === 'a' ? 'b' : 'a'}${auth.callerAddress.slice(11)}`;
    const verdict = calleeReceive(calleeState, { ...auth, callerAddress: typo }, 2);
    expect(verdict.send).toEqual([{ type: 'auth-fail', reason: 'bad-address' }]);
    expect(verdict.state).toMatchObject({ phase: 'failed', error: expect.any(BadCallerAddressError) as unknown });
  });
});

describe('handshake: blocked callers', () => {
  it('refuses a blocked caller who proved her address', () => {
    const { auth, calleeState } = authFor(alice, bob.address, callee(bob, [alice.address]));
    const verdict = calleeReceive(calleeState, auth, 2);
    expect(verdict.send).toEqual([{ type: 'auth-fail', reason: 'blocked' }]);
    expect(verdict.state).toMatchObject({ phase: 'failed', error: expect.any(CallerBlockedError) as unknown });
  });

  it('tells a forger of a blocked address only that the proof is bad', () => {
    const impostor: AuthSigner = { address: alice.address, sign: (message) => mallory.sign(message) };
    const { auth, calleeState } = authFor(impostor, bob.address, callee(bob, [alice.address]));
    expect(calleeReceive(calleeState, auth, 2).send).toEqual([{ type: 'auth-fail', reason: 'bad-proof' }]);
  });

  it('reports AuthFail to the caller as AuthRefusedError with the reason', () => {
    const afterHello = callerReceive(caller(alice, bob.address).state, only(callee(bob).send), 1);
    const verdict = callerReceive(afterHello.state, { type: 'auth-fail', reason: 'blocked' }, 2);
    expect(verdict.state).toMatchObject({ phase: 'failed', error: { reason: 'blocked' } });
    expect(verdict.events[0]).toMatchObject({ type: 'failed', error: expect.any(AuthRefusedError) as unknown });
  });
});

describe('handshake: order, versions and deadline', () => {
  it('fails the callee on any frame before Auth', () => {
    const verdict = calleeReceive(callee(bob).state, { type: 'signal', kind: 'whisper', body: Uint8Array.of(1) }, 1);
    expect(verdict.state).toMatchObject({ phase: 'failed', error: expect.any(UnexpectedFrameError) as unknown });
    expect(verdict.send).toEqual([{ type: 'close', reason: 'protocol-error' }]);
  });

  it('fails the caller on AuthOk before Hello, and on a second Hello', () => {
    expect(callerReceive(caller(alice, bob.address).state, { type: 'auth-ok' }, 1).state).toMatchObject({ error: { code: 'unexpected-frame' } });
    const hello = only(callee(bob).send);
    const afterHello = callerReceive(caller(alice, bob.address).state, hello, 1);
    expect(callerReceive(afterHello.state, hello, 2).state).toMatchObject({ error: { code: 'unexpected-frame' } });
  });

  it('fails the caller when the callee offers no version it speaks', () => {
    const verdict = callerReceive(caller(alice, bob.address).state, { type: 'hello', versions: [7, 8], nonce: new Uint8Array(32) }, 1);
    expect(verdict.state).toMatchObject({ phase: 'failed', error: expect.any(UnsupportedVersionError) as unknown });
  });

  it('refuses an Auth for a version the callee did not offer', () => {
    const { auth, calleeState } = authFor(alice, bob.address, callee(bob));
    expect(calleeReceive(calleeState, { ...auth, version: 2 }, 2).send).toEqual([{ type: 'auth-fail', reason: 'unsupported-version' }]);
  });

  it('times out when the clock passes the deadline, by tick or by a late frame', () => {
    const start = callee(bob);
    expect(calleeTick(start.state, TIMEOUT).state.phase).toBe('awaiting-auth');
    expect(calleeTick(start.state, TIMEOUT + 1).state).toMatchObject({ phase: 'failed', error: expect.any(HandshakeTimeoutError) as unknown });
    const { auth, calleeState } = authFor(alice, bob.address, start);
    expect(calleeReceive(calleeState, auth, TIMEOUT + 1).state).toMatchObject({ error: { code: 'handshake-timeout' } });
    expect(callerTick(caller(alice, bob.address).state, TIMEOUT + 1).state).toMatchObject({ error: { code: 'handshake-timeout' } });
  });

  it('ignores input once finished', () => {
    const { auth, calleeState } = authFor(alice, bob.address, callee(bob));
    const done = calleeReceive(calleeState, auth, 2).state;
    expect(calleeReceive(done, auth, 3)).toEqual({ state: done, send: [], events: [] });
    expect(calleeTick(done, TIMEOUT * 2).state).toBe(done);
  });
});

describe('stream purposes', () => {
  function fileCaller(signer: AuthSigner, calleeAddress: OnionAddress): HandshakeStep<CallerState> {
    return startCallerHandshake({ signer, calleeAddress, randomBytes: (length) => new Uint8Array(length).fill(0xbb), now: 0, timeoutMs: TIMEOUT, purpose: 'file' });
  }

  it('declares a file stream in Auth, and the callee admits it by purpose', () => {
    const asked: string[] = [];
    const answering = startCalleeHandshake({ localAddress: bob.address, isBlocked: (_caller, purpose) => (asked.push(purpose), false), randomBytes: countingRandom(), now: 0, timeoutMs: TIMEOUT });
    const auth = only(callerReceive(fileCaller(alice, bob.address).state, only(answering.send), 1).send);
    expect(auth).toMatchObject({ type: 'auth', purpose: 'file' });
    expect(calleeReceive(answering.state, auth, 2).state).toEqual({ phase: 'authenticated', peer: alice.address, version: 1, purpose: 'file' });
    expect(asked).toEqual(['file']);
  });

  it('keeps a link Auth as it was: no purpose field', () => {
    const { auth } = authFor(alice, bob.address, callee(bob));
    expect(Object.keys(auth)).not.toContain('purpose');
  });

  it('binds the purpose into the proof: a file-stream Auth relabelled as a link fails', () => {
    const answering = callee(bob);
    const auth = only(callerReceive(fileCaller(alice, bob.address).state, only(answering.send), 1).send);
    if (auth.type !== 'auth') throw new Error(`expected auth, got ${auth.type}`);
    const { purpose: _dropped, ...relabelled } = auth;
    expect(calleeReceive(answering.state, relabelled, 2).state).toMatchObject({ phase: 'failed', error: expect.any(BadAuthProofError) as unknown });
  });

  it('refuses a file stream the callee does not admit with AuthFail blocked', () => {
    const answering = startCalleeHandshake({ localAddress: bob.address, isBlocked: (_caller, purpose) => purpose === 'file', randomBytes: countingRandom(), now: 0, timeoutMs: TIMEOUT });
    const auth = only(callerReceive(fileCaller(carol, bob.address).state, only(answering.send), 1).send);
    const verdict = calleeReceive(answering.state, auth, 2);
    expect(verdict.send).toEqual([{ type: 'auth-fail', reason: 'blocked' }]);
    expect(verdict.state).toMatchObject({ phase: 'failed', error: expect.any(CallerBlockedError) as unknown });
  });
});
