// How the client reaches a relay: HTTP/1.1 through tor's SOCKS (socks-proxy-agent), or straight to a loopback URL.
import { Agent as HttpAgent, request as httpRequest, type Agent, type IncomingMessage } from 'node:http';
import { SocksProxyAgent, type SocksProxyAgentOptions } from 'socks-proxy-agent';
import type { SocksEndpoint } from '../tor/index.js';
import { RelayUnreachableError } from './errors.js';

/** Where the relay is: an onion through tor's SOCKS, or a plain base URL (tests, a relay on this machine). */
export type RelayTarget =
  | { readonly kind: 'onion'; readonly address: string; readonly socks: SocksEndpoint; readonly port?: number }
  | { readonly kind: 'direct'; readonly baseUrl: string };

export interface RelayHttpRequest {
  readonly method: string;
  readonly pathAndQuery: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  readonly timeoutMs: number;
}

export interface RelayHttpResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** An answer whose body the caller reads as it arrives (a blob download). */
export interface RelayHttpStream {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: IncomingMessage;
}

/** The relay's virtual port on its onion. */
export const RELAY_VIRTUAL_PORT = 80;
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * An agent dialing through tor. socks-proxy-agent takes a `socks5h://host:port` URL; for tor's SOCKS on a unix
 * socket its socketOptions reach net.connect, where `path` makes the connection go to the socket and the URL's
 * host and port are ignored.
 */
export function socksAgent(socks: SocksEndpoint): Agent {
  if (socks.kind === 'tcp') return new SocksProxyAgent(`socks5h://${socks.host}:${String(socks.port)}`, { keepAlive: true });
  // socketOptions is typed for TCP only; net.connect accepts `path` in the same object.
  const socketOptions = { path: socks.path } as unknown as NonNullable<SocksProxyAgentOptions['socketOptions']>;
  return new SocksProxyAgent('socks5h://127.0.0.1:9', { keepAlive: true, socketOptions });
}

/** A request failed on a kept-alive socket before any answer: the relay (or tor) had closed it while it sat idle. */
class StaleSocketError extends Error {
  constructor(readonly failure: RelayUnreachableError) {
    super(failure.message);
  }
}

/** Sends requests to one relay, keeping connections alive between them. */
export class RelayTransport {
  readonly #origin: URL;
  readonly #agent: Agent;

  constructor(target: RelayTarget) {
    if (target.kind === 'onion') {
      this.#origin = new URL(`http://${target.address}.onion:${String(target.port ?? RELAY_VIRTUAL_PORT)}`);
      this.#agent = socksAgent(target.socks);
    } else {
      this.#origin = new URL(target.baseUrl);
      this.#agent = new HttpAgent({ keepAlive: true });
    }
  }

  /** Sends a request and reads the whole answer (at most 64 MiB). */
  async send(request: RelayHttpRequest): Promise<RelayHttpResponse> {
    return this.readRest(await this.open(request));
  }

  /** Reads the rest of an opened answer's body (at most 64 MiB). */
  readRest({ status, headers, body }: RelayHttpStream): Promise<RelayHttpResponse> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      body.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) body.destroy(new Error('response too large'));
        else chunks.push(chunk);
      });
      body.on('end', () => resolve({ status, headers, body: Buffer.concat(chunks) }));
      body.on('error', (error) => reject(this.#unreachable('the connection broke during the answer', error)));
    });
  }

  /**
   * Sends a request and resolves once the answer's head arrives; the caller reads (or destroys) its body. A GET that
   * fails on a kept-alive socket the other end had closed ("socket hang up") is sent once more on a fresh one: it
   * changes nothing, so asking twice is safe. Other methods are not repeated (the relay may have acted on them).
   */
  async open(request: RelayHttpRequest): Promise<RelayHttpStream> {
    try {
      return await this.#attempt(request);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      if (request.method !== 'GET') throw error.failure;
      // Other idle sockets may have died the same way (tor closed the circuit): the retry must not pick one of them.
      this.#dropIdleSockets();
      try {
        return await this.#attempt(request);
      } catch (again) {
        throw again instanceof StaleSocketError ? again.failure : again;
      }
    }
  }

  #attempt(request: RelayHttpRequest): Promise<RelayHttpStream> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          protocol: this.#origin.protocol,
          hostname: this.#origin.hostname,
          port: this.#origin.port,
          method: request.method,
          path: request.pathAndQuery,
          agent: this.#agent,
          headers: { ...request.headers, 'content-length': String(request.body.length) },
          timeout: request.timeoutMs,
        },
        (response) => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: response }),
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        const failure = this.#unreachable(describeNetworkError(error), error);
        reject(outgoing.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE') ? new StaleSocketError(failure) : failure);
      });
      outgoing.end(request.body);
    });
  }

  #dropIdleSockets(): void {
    for (const sockets of Object.values(this.#agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  }

  #unreachable(why: string, cause?: unknown): RelayUnreachableError {
    return new RelayUnreachableError(`The relay ${this.#origin.hostname} could not be reached: ${why}.`, undefined, { cause });
  }

  close(): void {
    this.#agent.destroy();
  }
}

function describeNetworkError(error: Error): string {
  if (/timed out/i.test(error.message)) return 'it did not answer in time';
  if (/ENOENT|ECONNREFUSED.*(sock|9050)|connect ECONNREFUSED/i.test(error.message)) return 'tor or the relay is not running';
  // tor's onion-service replies (0xF0–0xF7: no descriptor, introduction or rendezvous failed) have no name in the socks library: "undefined".
  if (/Socks5 proxy rejected connection - (HostUnreachable|TTLExpired|GeneralFailure|undefined)/i.test(error.message)) return 'it is offline or tor cannot find it';
  return error.message;
}
