// Opens a stream to `<address>.onion:<port>` through tor's SOCKS endpoint, with tor's onion errors in words.
import { connect, type Socket } from 'node:net';
import { SocksClient } from 'socks';
import type { SocksEndpoint } from '../tor/tor-process.js';

/** Why a dial failed, in terms the UI can act on. */
export type OnionDialFailure = 'offline' | 'unreachable' | 'bad-address' | 'timeout' | 'tor-unavailable' | 'refused';

export class OnionDialError extends Error {
  override readonly name = 'OnionDialError';
  constructor(
    readonly reason: OnionDialFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** tor's extended SOCKS5 replies for onion services (tor's socks-extensions, `ExtendedErrors`). */
const TOR_REPLIES: Readonly<Record<number, [OnionDialFailure, string]>> = {
  0xf0: ['offline', 'is offline: its onion service descriptor cannot be found'],
  0xf1: ['unreachable', 'published an invalid onion service descriptor'],
  0xf2: ['unreachable', 'could not be introduced to (introduction failed)'],
  0xf3: ['unreachable', 'could not be reached (rendezvous failed)'],
  0xf4: ['refused', 'requires client authorization'],
  0xf5: ['refused', 'refused our client authorization'],
  0xf6: ['bad-address', 'is not a valid onion address'],
  0xf7: ['timeout', 'did not answer in time (introduction timed out)'],
  0x04: ['unreachable', 'could not be reached (host unreachable)'],
  0x05: ['refused', 'refused the connection'],
  0x06: ['timeout', 'did not answer in time (TTL expired)'],
};

export interface DialOptions {
  readonly timeoutMs?: number;
}

function openProxySocket(socks: SocksEndpoint): Socket {
  return socks.kind === 'unix' ? connect({ path: socks.path }) : connect({ host: socks.host, port: socks.port });
}

/** The SOCKS5 reply code from the bytes tor sent: method selection (2 bytes) then the reply header. */
function replyCode(received: Buffer): number | undefined {
  return received.length >= 4 && received[2] === 0x05 ? received[3] : undefined;
}

/** Dials an onion service; resolves with a connected stream or rejects with OnionDialError. */
export async function dialOnion(socks: SocksEndpoint, address: string, port: number, options: DialOptions = {}): Promise<Socket> {
  const socket = openProxySocket(socks);
  let received = Buffer.alloc(0);
  const record = (chunk: Buffer): void => {
    if (received.length < 32) received = Buffer.concat([received, chunk]).subarray(0, 32);
  };
  socket.on('data', record);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
  } catch (error) {
    socket.destroy();
    throw new OnionDialError('tor-unavailable', 'Cannot reach tor’s SOCKS endpoint; is tor running?', { cause: error });
  }
  try {
    const { socket: established } = await SocksClient.createConnection({
      command: 'connect',
      proxy: { host: '127.0.0.1', port: 1, type: 5 },
      destination: { host: `${address}.onion`, port },
      existing_socket: socket,
      timeout: options.timeoutMs ?? 120_000,
    });
    socket.off('data', record);
    return established;
  } catch (error) {
    socket.destroy();
    const code = replyCode(received);
    const known = code === undefined ? undefined : TOR_REPLIES[code];
    if (known !== undefined) throw new OnionDialError(known[0], `${address}.onion ${known[1]}.`, { cause: error });
    if (error instanceof Error && /timed out|timeout/i.test(error.message)) {
      throw new OnionDialError('timeout', `${address}.onion did not answer in time.`, { cause: error });
    }
    throw new OnionDialError('unreachable', `${address}.onion could not be reached.`, { cause: error });
  }
}
