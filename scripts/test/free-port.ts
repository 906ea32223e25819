// Finds free TCP ports on 127.0.0.1, never handing out the same port twice in one process.
import { createServer } from 'node:net';

const handedOut = new Set<number>();

function bindEphemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('listening socket has no TCP address'));
        else resolve(address.port);
      });
    });
  });
}

/** A TCP port that was free on 127.0.0.1 a moment ago and that this process has not handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await bindEphemeralPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no unused free port on 127.0.0.1 after 100 attempts');
}
