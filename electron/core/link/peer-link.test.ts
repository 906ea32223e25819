// PeerLink over a real unix socket: large frames, backpressure, closing rules, protocol errors after the handshake.
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateOnionKey } from '../identity/index.js';
import { encodeFrame, InvalidFrameError, MAX_SIGNAL_BODY_BYTES, TruncatedFrameError, UnexpectedFrameError, type Frame } from '../protocol/index.js';
import { LinkClosedError, SendBufferFullError } from './errors.js';
import { delay, linkTo, next, startListener, TempDir } from './link-test-kit.js';
import type { OnionListener } from './onion-listener.js';
import type { LinkCloseCause, PeerLink } from './peer-link.js';

const alice = generateOnionKey();
const bob = generateOnionKey();

describe('peer link', () => {
  let dir: TempDir;
  let listener: OnionListener;
  let aliceLink: PeerLink;
  let aliceSocket: Socket;
  let bobLink: PeerLink;

  beforeEach(async () => {
    dir = new TempDir();
    const path = dir.file('bob.sock');
    listener = await startListener(bob, path);
    const arrived = next<PeerLink>(listener, 'link');
    ({ link: aliceLink, socket: aliceSocket } = await linkTo(path, alice, bob, { maxQueuedBytes: 200_000 }));
    bobLink = await arrived;
  });

  afterEach(() => {
    aliceLink.close();
    bobLink.close();
    listener.close();
    dir.remove();
  });

  it('carries the largest Signal frames intact, in order', async () => {
    const bodies = [1, 2, 3].map((fill) => new Uint8Array(MAX_SIGNAL_BODY_BYTES).fill(fill));
    const received: Frame[] = [];
    const all = new Promise<void>((resolve) =>
      bobLink.on('frame', (frame) => {
        received.push(frame);
        if (received.length === bodies.length) resolve();
      }),
    );
    for (const body of bodies) aliceLink.send({ type: 'signal', kind: 'whisper', body });
    await all;
    expect(received).toEqual(bodies.map((body) => ({ type: 'signal', kind: 'whisper', body })));
  });

  it('refuses to queue more than its bound for a peer that does not read, and keeps the link', () => {
    bobLink.removeAllListeners('frame');
    const body = new Uint8Array(60_000);
    expect(() => {
      for (let index = 0; index < 100; index += 1) aliceLink.send({ type: 'signal', kind: 'whisper', body });
    }).toThrow(SendBufferFullError);
    expect(aliceLink.queuedBytes).toBeLessThanOrEqual(200_000);
    expect(aliceLink.isOpen).toBe(true);
  });

  it('keeps its queue bounded when a peer sends Pings and never reads the Pongs', async () => {
    const maxQueuedBytes = 100_000;
    const floodPath = dir.file('flooded.sock');
    const flooded = await startListener(bob, floodPath, { link: { maxQueuedBytes } });
    const arrived = next<PeerLink>(flooded, 'link');
    const { link: malloryLink, socket: mallorySocket } = await linkTo(floodPath, alice, bob);
    const victim = await arrived;
    try {
      await delay(10);
      // The peer stops reading, then sends 8 MB of Pings: every Pong Bob writes piles up in his queue.
      mallorySocket.pause();
      const ping = encodeFrame({ type: 'ping', n: 1 });
      const pings = Buffer.concat(Array.from({ length: 32_000 }, () => ping));
      const last = next<Frame>(victim, 'frame', 10_000);
      mallorySocket.write(pings);
      mallorySocket.write(encodeFrame({ type: 'contact-request-receipt', status: 'received' }));
      await last;
      expect(victim.queuedBytes).toBeLessThanOrEqual(maxQueuedBytes);
      expect(victim.isOpen).toBe(true);
    } finally {
      malloryLink.close();
      victim.close();
      flooded.close();
    }
  });

  it('refuses a frame that breaks its schema without closing the link', () => {
    expect(() => aliceLink.send({ type: 'signal', kind: 'whisper', body: new Uint8Array(0) })).toThrow(InvalidFrameError);
    expect(aliceLink.isOpen).toBe(true);
  });

  it('closes both ends with the reason, and refuses to send afterwards', async () => {
    const atBob = next<LinkCloseCause>(bobLink, 'close');
    const atAlice = next<LinkCloseCause>(aliceLink, 'close');
    aliceLink.close('duplicate');
    expect(await atAlice).toEqual({ kind: 'local', reason: 'duplicate' });
    expect(await atBob).toEqual({ kind: 'remote', reason: 'duplicate' });
    expect(() => aliceLink.send({ type: 'contact-request-receipt', status: 'received' })).toThrow(LinkClosedError);
  });

  it('treats a handshake frame after the handshake as a protocol error', async () => {
    const closed = next<LinkCloseCause>(bobLink, 'close');
    aliceSocket.write(encodeFrame({ type: 'auth-ok' }));
    expect(await closed).toEqual({ kind: 'protocol-error', error: expect.any(UnexpectedFrameError) as unknown });
  });

  it('reports a stream that ends inside a frame as truncated', async () => {
    const closed = next<LinkCloseCause>(bobLink, 'close');
    aliceSocket.end(encodeFrame({ type: 'ping', n: 1 }).subarray(0, 50));
    expect(await closed).toEqual({ kind: 'protocol-error', error: expect.any(TruncatedFrameError) as unknown });
  });

  it('reports a stream that ends between frames as lost', async () => {
    const closed = next<LinkCloseCause>(bobLink, 'close');
    aliceSocket.destroy();
    expect(await closed).toEqual({ kind: 'connection-lost' });
  });
});
