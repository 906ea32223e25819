// File streams that never ask for a file, over real unix sockets: closed after the Want deadline, and few at a time per peer.
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateOnionKey, type OnionAddress } from '../../identity/index.js';
import { connectStream, OnionListener } from '../../link/index.js';
import { openSocket, TempDir } from '../../link/link-test-kit.js';
import { FileSender } from './file-sender.js';

const bob = generateOnionKey();
const alice = generateOnionKey();
const carol = generateOnionKey();

describe('file streams waiting for a Want', () => {
  let dir: TempDir;
  let listener: OnionListener;
  let sender: FileSender;
  let failures: { peer: OnionAddress; error: Error }[];
  let path: string;

  const open = async (who: typeof alice): Promise<{ socket: Socket; closed: Promise<void> }> => {
    const socket = await openSocket(path);
    const stream = await connectStream(socket, { signer: who, peer: bob.address }, 'file');
    const closed = new Promise<void>((resolve) => stream.socket.once('close', () => resolve()));
    stream.socket.on('error', () => undefined);
    stream.socket.resume();
    return { socket: stream.socket, closed };
  };

  const start = async (wantTimeoutMs: number): Promise<void> => {
    sender = new FileSender({ wantTimeoutMs, maxWaitingStreamsPerPeer: 2 });
    const own = failures;
    sender.on('failed', ({ peer, error }) => own.push({ peer, error }));
    listener = new OnionListener({ localAddress: bob.address, endpoint: { kind: 'unix', path }, isBlocked: () => false, acceptsFileStream: () => true });
    listener.on('file-stream', (stream) => void sender.serve(stream));
    await listener.listen();
  };

  beforeEach(() => {
    dir = new TempDir();
    path = dir.file('bob.sock');
    failures = [];
  });

  afterEach(() => {
    sender.close();
    listener.close();
    dir.remove();
  });

  it('closes a peer’s stream beyond the few it may hold open without asking, and leaves other peers alone', async () => {
    await start(60_000);
    const first = await open(alice);
    const second = await open(alice);
    const third = await open(alice);
    await third.closed;
    expect(failures.map((f) => [f.peer, f.error.message])).toEqual([[alice.address, expect.stringContaining('more than 2 file streams open without asking for a file')]]);
    const fromCarol = await open(carol);
    expect([first.socket.destroyed, second.socket.destroyed, fromCarol.socket.destroyed]).toEqual([false, false, false]);
    for (const { socket } of [first, second, fromCarol]) socket.destroy();
  });

  it('closes a stream that asks for nothing by the Want deadline, and then takes a new one from that peer', async () => {
    await start(200);
    const streams = [await open(alice), await open(alice)];
    await Promise.all(streams.map((s) => s.closed));
    await vi.waitFor(() => expect(failures).toHaveLength(2));
    const again = await open(alice);
    expect(again.socket.destroyed).toBe(false);
    again.socket.destroy();
  });
});
