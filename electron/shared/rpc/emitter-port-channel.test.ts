// The MessagePortMain adapter, over a pair of ports shaped like Electron's (an EventEmitter delivering { data }, `close` on both ends).
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/index.js';
import { createApiClient } from './client.js';
import { channelFromEmitterPort, type EmitterPortLike } from './emitter-port-channel.js';

/** Electron's MessageChannelMain by shape: messages queue until `start()`, closing one end closes both. */
function portPair(): [EmitterPortLike, EmitterPortLike] {
  class Port extends EventEmitter {
    peer: Port | undefined;
    started = false;
    closed = false;
    readonly queue: unknown[] = [];
    postMessage(data: unknown): void {
      const peer = this.peer;
      if (this.closed || peer === undefined || peer.closed) return;
      setImmediate(() => (peer.started ? peer.emit('message', { data }) : peer.queue.push(data)));
    }
    start(): void {
      this.started = true;
      for (const data of this.queue.splice(0)) this.emit('message', { data });
    }
    close(): void {
      if (this.closed) return;
      this.closed = true;
      setImmediate(() => this.emit('close'));
      this.peer?.close();
    }
  }
  const a = new Port();
  const b = new Port();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

describe('channelFromEmitterPort', () => {
  it('carries messages both ways and reports the close of the other end', async () => {
    const [clientPort, serverPort] = portPair();
    const server = channelFromEmitterPort(serverPort);
    server.onMessage((message) => server.send({ t: 'res', id: (message as { id: number }).id, ok: true, result: 'pong' }));
    const client = createApiClient(channelFromEmitterPort(clientPort));
    await expect(client.api['profiles.list']({})).resolves.toBe('pong');
    const closed = new Promise<void>((resolve) => server.onClose(resolve));
    client.close();
    await closed;
    await expect(client.api['profiles.list']({})).rejects.toBeInstanceOf(ApiError);
  });

  it('stops sending after the close', async () => {
    const [one, other] = portPair();
    const channel = channelFromEmitterPort(one);
    const received: unknown[] = [];
    channelFromEmitterPort(other).onMessage((message) => received.push(message));
    channel.close();
    channel.send('late');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual([]);
    let heard = false;
    channel.onClose(() => (heard = true));
    expect(heard).toBe(true);
  });
});
