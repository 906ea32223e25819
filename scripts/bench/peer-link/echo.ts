// A trivial echo server on a unix socket and a client that times request/response round trips over one stream.
import { createServer, type Server, type Socket } from 'node:net';
import { BenchFailureError } from './errors.js';

/** Listens on `path` and writes every byte back on the stream it came from. */
export async function startEchoServer(path: string): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
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

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** One stream, one request in flight: a request is answered when as many bytes came back as were sent. */
export class EchoClient {
  readonly #socket: Socket;
  #received: Buffer[] = [];
  #receivedBytes = 0;
  #awaiting: { bytes: number; done: (error?: Error) => void } | undefined;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.#received.push(chunk);
      this.#receivedBytes += chunk.length;
      if (this.#awaiting !== undefined && this.#receivedBytes >= this.#awaiting.bytes) this.#awaiting.done();
    });
    const broken = (error?: Error): void => this.#awaiting?.done(new BenchFailureError('the echo stream ended in the middle of a round trip', { cause: error }));
    socket.on('error', broken);
    socket.on('close', () => broken());
  }

  /** Sends `payload`, waits for it to come back whole and unchanged, and returns the round trip in ms. */
  async roundTrip(payload: Buffer): Promise<number> {
    if (this.#awaiting !== undefined) throw new BenchFailureError('an echo round trip is already in flight');
    this.#received = [];
    this.#receivedBytes = 0;
    const answered = new Promise<void>((resolve, reject) => {
      this.#awaiting = { bytes: payload.length, done: (error) => (error === undefined ? resolve() : reject(error)) };
    });
    const started = performance.now();
    this.#socket.write(payload);
    try {
      await answered;
    } finally {
      this.#awaiting = undefined;
    }
    const elapsed = performance.now() - started;
    const echoed = Buffer.concat(this.#received);
    if (!echoed.equals(payload)) {
      const differsAt = payload.findIndex((byte, i) => echoed[i] !== byte);
      throw new BenchFailureError(`the echo came back different: ${String(payload.length)} bytes sent, ${String(echoed.length)} received, first difference at byte ${String(differsAt)}`);
    }
    return elapsed;
  }

  close(): void {
    this.#socket.destroy();
  }
}
