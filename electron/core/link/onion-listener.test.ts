// The listener over real unix sockets: authentication, impostors, blocked callers, deadline, garbage, floods, a circuit of silent streams.
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateOnionKey } from '../identity/index.js';
import {
  authProofMessage,
  AuthRefusedError,
  BadAuthProofError,
  encodeFrame,
  FrameDecoder,
  FrameTooLargeError,
  HandshakeTimeoutError,
  ProtocolError,
  UnexpectedFrameError,
  type AuthSigner,
  type Frame,
} from '../protocol/index.js';
import { delay, linkTo, next, openSocket, readUntilClosed, startListener, TempDir } from './link-test-kit.js';
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_PRE_AUTH_TIMEOUT_MS,
  DEFAULT_STALE_HANDSHAKE_MS,
  type OnionListener,
  type RejectedConnection,
} from './onion-listener.js';
import type { LinkCloseCause, PeerLink } from './peer-link.js';

const alice = generateOnionKey();
const bob = generateOnionKey();
const carol = generateOnionKey();
const mallory = generateOnionKey();

const signal = (text: string): Frame & { type: 'signal' } => ({ type: 'signal', kind: 'whisper', body: new TextEncoder().encode(text) });

function decodeAll(bytes: Uint8Array): Frame[] {
  return new FrameDecoder().push(bytes);
}

describe('onion listener', () => {
  let dir: TempDir;
  let listener: OnionListener;
  let path: string;
  const bobLinks: PeerLink[] = [];
  const rejected: RejectedConnection[] = [];

  beforeEach(async () => {
    dir = new TempDir();
    path = dir.file('bob.sock');
    bobLinks.length = 0;
    rejected.length = 0;
    listener = await startListener(bob, path, { isBlocked: (caller) => caller === carol.address, handshakeTimeoutMs: 300 });
    listener.on('link', (link) => bobLinks.push(link));
    listener.on('rejected', (entry) => rejected.push(entry));
  });

  afterEach(() => {
    for (const link of bobLinks) link.close();
    listener.close();
    dir.remove();
  });

  /** Alice's link and Bob's end of it, with frames flowing both ways checked. */
  async function aliceLinked(): Promise<{ aliceLink: PeerLink; bobLink: PeerLink }> {
    const bobSide = next<PeerLink>(listener, 'link');
    const { link: aliceLink } = await linkTo(path, alice, bob);
    return { aliceLink, bobLink: await bobSide };
  }

  async function roundTrip(from: PeerLink, to: PeerLink, text: string): Promise<void> {
    const received = next<Frame>(to, 'frame');
    from.send(signal(text));
    expect(await received).toEqual(signal(text));
  }

  it('authenticates a caller and carries frames both ways', async () => {
    const { aliceLink, bobLink } = await aliceLinked();
    expect(aliceLink).toMatchObject({ peer: bob.address, local: alice.address, direction: 'outbound', version: 1 });
    expect(bobLink).toMatchObject({ peer: alice.address, local: bob.address, direction: 'inbound', dialer: alice.address });
    await roundTrip(aliceLink, bobLink, 'hi bob');
    await roundTrip(bobLink, aliceLink, 'hi alice');
    const closed = next<LinkCloseCause>(bobLink, 'close');
    aliceLink.close('shutdown');
    expect(await closed).toEqual({ kind: 'remote', reason: 'shutdown' });
  });

  it("refuses Mallory presenting Alice's address, reports it, and keeps Alice's link working", async () => {
    const { aliceLink, bobLink } = await aliceLinked();
    const impostor: AuthSigner = { address: alice.address, sign: (message) => mallory.sign(message) };
    const refusal = linkTo(path, impostor, bob);
    await expect(refusal).rejects.toBeInstanceOf(AuthRefusedError);
    await expect(refusal).rejects.toMatchObject({ reason: 'bad-proof' });
    expect(rejected).toEqual([{ reason: 'handshake-failed', error: expect.any(BadAuthProofError) as unknown }]);
    await roundTrip(aliceLink, bobLink, 'still here');
  });

  it('refuses a blocked caller at the handshake and names her in the report', async () => {
    await expect(linkTo(path, carol, bob)).rejects.toMatchObject({ name: 'AuthRefusedError', reason: 'blocked' });
    expect(rejected).toMatchObject([{ reason: 'handshake-failed', caller: carol.address, error: { code: 'blocked' } }]);
    expect(bobLinks).toEqual([]);
  });

  it('closes a connection that does not finish the handshake by the deadline', async () => {
    const socket = await openSocket(path);
    const started = performance.now();
    const bytes = await readUntilClosed(socket);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(decodeAll(bytes).map((frame) => frame.type)).toEqual(['hello', 'close']);
    expect(rejected).toEqual([{ reason: 'handshake-failed', error: expect.any(HandshakeTimeoutError) as unknown }]);
  });

  it('closes a connection that sends garbage, and one that announces an oversize frame, at once', async () => {
    const { aliceLink, bobLink } = await aliceLinked();
    const garbage = await openSocket(path);
    const garbageClosed = readUntilClosed(garbage);
    garbage.write(Buffer.from('GET / HTTP/1.1\r\nHost: bob\r\n\r\n'));
    await garbageClosed;
    const oversize = await openSocket(path);
    const oversizeClosed = readUntilClosed(oversize);
    oversize.write(Uint8Array.of(0x7f, 0xff, 0xff, 0xff));
    const started = performance.now();
    await oversizeClosed;
    expect(performance.now() - started).toBeLessThan(250);
    expect(rejected).toEqual([
      { reason: 'handshake-failed', error: expect.any(FrameTooLargeError) as unknown },
      { reason: 'handshake-failed', error: expect.any(FrameTooLargeError) as unknown },
    ]);
    await roundTrip(bobLink, aliceLink, 'unbothered');
  });

  it('refuses frames a caller sends before AuthOk', async () => {
    const socket = await openSocket(path);
    const hello = decodeAll(await next<Buffer>(socket, 'data'))[0];
    if (hello?.type !== 'hello') throw new Error('expected hello');
    const nonce = new Uint8Array(32).fill(9);
    const signature = alice.sign(authProofMessage(bob.address, alice.address, hello.nonce, nonce));
    const closed = readUntilClosed(socket);
    socket.write(Buffer.concat([encodeFrame({ type: 'auth', version: 1, callerAddress: alice.address, nonce, signature }), encodeFrame(signal('too early'))]));
    expect(decodeAll(await closed).map((frame) => frame.type)).toEqual(['close']);
    expect(rejected).toEqual([{ reason: 'handshake-failed', error: expect.any(UnexpectedFrameError) as unknown }]);
    expect(bobLinks).toEqual([]);
  });

  it('closes only the link that sends a malformed frame after the handshake', async () => {
    const { aliceLink, bobLink } = await aliceLinked();
    const daveSide = next<PeerLink>(listener, 'link');
    const dave = generateOnionKey();
    const { socket: daveSocket } = await linkTo(path, dave, bob);
    const bobToDave = await daveSide;
    const closed = next<LinkCloseCause>(bobToDave, 'close');
    daveSocket.write(Uint8Array.of(0x00, 0x00, 0x01, 0x00, 0x09, ...new Uint8Array(255)));
    const cause = await closed;
    expect(cause).toMatchObject({ kind: 'protocol-error', error: { code: 'unsupported-version' } });
    if (cause.kind === 'protocol-error') expect(cause.error).toBeInstanceOf(ProtocolError);
    await roundTrip(aliceLink, bobLink, 'only dave is gone');
  });

  it('keeps a link alive with pings, and drops it when the peer stops answering', async () => {
    const fast = { keepaliveIntervalMs: 50, keepaliveTimeoutMs: 150 };
    listener.close();
    listener = await startListener(bob, path, { link: fast });
    const bobSide = next<PeerLink>(listener, 'link');
    // Alice keeps the default (slow) keepalive, so only Bob's runs out here.
    const { link: aliceLink, socket } = await linkTo(path, alice, bob);
    const bobLink = await bobSide;
    bobLinks.push(bobLink);
    await delay(400);
    expect(bobLink.isOpen).toBe(true);
    expect(aliceLink.isOpen).toBe(true);
    // Alice stops reading: no Pong, no traffic, so Bob gives up on the link.
    socket.pause();
    expect(await next<LinkCloseCause>(bobLink, 'close', 2_000)).toEqual({ kind: 'keepalive-timeout' });
  });

  it('turns a flood of 1,000 connections away without slowing an established link', async () => {
    const { aliceLink, bobLink } = await aliceLinked();
    let maxPending = 0;
    const watch = setInterval(() => (maxPending = Math.max(maxPending, listener.pendingHandshakes)), 1);
    // Waves of 50, each connect retried while the kernel's accept backlog is full (EAGAIN on a unix socket).
    const connectSoon = async (): Promise<void> => {
      for (;;) {
        try {
          (await openSocket(path)).on('error', () => undefined);
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
          await delay(5);
        }
      }
    };
    const flood = (async (): Promise<number> => {
      for (let wave = 0; wave < 20; wave += 1) await Promise.all(Array.from({ length: 50 }, connectSoon));
      return 1_000;
    })();
    const started = performance.now();
    for (let index = 0; index < 20; index += 1) await roundTrip(aliceLink, bobLink, `during flood ${String(index)}`);
    const elapsed = performance.now() - started;
    expect(await flood).toBe(1_000);
    // Every flood connection ends refused at once or timed out in its handshake; none becomes a link.
    for (let waited = 0; rejected.length < 1_000 && waited < 10_000; waited += 20) await delay(20);
    clearInterval(watch);
    expect(rejected).toHaveLength(1_000);
    expect(bobLinks).toHaveLength(1);
    expect(elapsed).toBeLessThan(2_000);
    expect(maxPending).toBeLessThanOrEqual(32);
    const refusedAtOnce = rejected.filter((entry) => entry.reason === 'rate-limited' || entry.reason === 'too-many-pending');
    expect(refusedAtOnce.length).toBeGreaterThanOrEqual(700);
    await roundTrip(aliceLink, bobLink, 'after the flood');
  });
});

describe('onion listener held by one circuit of silent streams', () => {
  let dir: TempDir;
  let listener: OnionListener;
  let path: string;
  let now: number;
  let links: PeerLink[];
  let rejected: RejectedConnection[];
  let silent: Socket[];
  let closed: Set<Socket>;

  beforeEach(async () => {
    dir = new TempDir();
    path = dir.file('bob.sock');
    now = 0;
    const [ownLinks, ownRejected]: [PeerLink[], RejectedConnection[]] = [[], []];
    [links, rejected, silent, closed] = [ownLinks, ownRejected, [], new Set()];
    listener = await startListener(bob, path, { now: () => now });
    listener.on('link', (link) => ownLinks.push(link));
    listener.on('rejected', (entry) => ownRejected.push(entry));
    // Streams that open and never answer our Hello, as many as there are handshake slots.
    for (let i = 0; i < DEFAULT_MAX_PENDING_HANDSHAKES; i++) {
      const socket = await openSocket(path);
      socket.on('error', () => undefined);
      socket.on('close', () => closed.add(socket));
      socket.resume();
      silent.push(socket);
    }
    await vi.waitFor(() => expect(listener.pendingHandshakes).toBe(DEFAULT_MAX_PENDING_HANDSHAKES));
  });

  afterEach(() => {
    for (const socket of silent.splice(0)) socket.destroy();
    for (const link of links) link.close();
    listener.close();
    dir.remove();
  });

  it('drops the oldest silent stream for a caller who answers, once the silent ones are stale', async () => {
    now += DEFAULT_STALE_HANDSHAKE_MS;
    const { link } = await linkTo(path, alice, bob);
    expect(link.peer).toBe(bob.address);
    await vi.waitFor(() => expect(links.map((l) => l.peer)).toEqual([alice.address]));
    await vi.waitFor(() => expect([...closed]).toEqual([silent[0]]));
    expect(rejected).toEqual([{ reason: 'stale-handshake' }]);
    expect(listener.pendingHandshakes).toBe(DEFAULT_MAX_PENDING_HANDSHAKES - 1);
    link.close();
  });

  it('turns a new caller away while every pending handshake is younger than the stale mark', async () => {
    now += DEFAULT_STALE_HANDSHAKE_MS - 1;
    await expect(linkTo(path, alice, bob)).rejects.toThrow();
    await vi.waitFor(() => expect(rejected).toEqual([{ reason: 'too-many-pending' }]));
  });

  it('waits for an Auth far less than a dialer waits for its whole handshake', () => {
    expect(DEFAULT_PRE_AUTH_TIMEOUT_MS).toBeLessThanOrEqual(DEFAULT_HANDSHAKE_TIMEOUT_MS / 3);
  });
});

describe('onion listener whose own check fails', () => {
  it('refuses the caller and keeps listening, instead of throwing out of a socket event', async () => {
    const dir = new TempDir();
    const path = dir.file('bob.sock');
    let broken = true;
    const listener = await startListener(bob, path, {
      isBlocked: () => {
        if (broken) throw new Error('the profile locked meanwhile');
        return false;
      },
    });
    const rejected: RejectedConnection[] = [];
    listener.on('rejected', (entry) => rejected.push(entry));
    try {
      await expect(linkTo(path, alice, bob)).rejects.toThrow();
      await vi.waitFor(() => expect(rejected).toHaveLength(1));
      expect(rejected[0]).toMatchObject({ reason: 'handshake-failed', error: { name: 'HandshakeConnectionError', message: 'The handshake could not be checked.' } });
      broken = false;
      const { link } = await linkTo(path, alice, bob);
      link.close();
    } finally {
      listener.close();
      dir.remove();
    }
  });
});
