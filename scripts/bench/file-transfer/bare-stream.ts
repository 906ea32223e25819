// The baseline for file transfer: a server that writes a fixed number of random bytes to every stream, and a timed reader.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { BenchFailureError } from '../peer-link/errors.js';

/** Listens on `path` and writes the same `bytes` random bytes to every connection, then ends it. */
export async function startByteSource(path: string, bytes: number): Promise<Server> {
  const payload = randomBytes(bytes);
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.end(payload);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** When the first and the last of `bytes` bytes arrived on `socket` (performance.now()). */
export interface StreamTiming {
  readonly firstByteAt: number;
  readonly lastByteAt: number;
}

export function readAll(socket: Socket, bytes: number): Promise<StreamTiming> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let firstByteAt = 0;
    socket.on('data', (chunk: Buffer) => {
      if (received === 0) firstByteAt = performance.now();
      received += chunk.length;
      if (received >= bytes) {
        resolve({ firstByteAt, lastByteAt: performance.now() });
        socket.destroy();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new BenchFailureError(`the bare stream closed after ${String(received)} of ${String(bytes)} bytes`)));
  });
}
