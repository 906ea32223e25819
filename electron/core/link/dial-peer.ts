// The caller's side of a link: open a stream (through tor's SOCKS, or any socket), prove who we are, get a PeerLink.
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { OnionAddress } from '../identity/index.js';
import { callerReceive, callerTick, FrameDecoder, startCallerHandshake, type AuthSigner, type RandomBytes } from '../protocol/index.js';
import type { SocksEndpoint } from '../tor/index.js';
import { driveHandshake } from './handshake-driver.js';
import { PeerLink, type PeerLinkOptions } from './peer-link.js';
import { dialOnion } from './socks-dialer.js';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from './onion-listener.js';

export interface ConnectPeerOptions {
  readonly signer: AuthSigner;
  /** The onion address the stream leads to. */
  readonly peer: OnionAddress;
  readonly handshakeTimeoutMs?: number;
  readonly link?: PeerLinkOptions;
  readonly randomBytes?: RandomBytes;
}

export interface DialPeerOptions extends ConnectPeerOptions {
  readonly socks: SocksEndpoint;
  /** The onion service's virtual port. */
  readonly port: number;
  /** Time allowed for tor to build the circuit to the onion. */
  readonly dialTimeoutMs?: number;
}

/**
 * Runs the caller's handshake on a stream already connected to `peer` and returns the link. Rejects with a
 * ProtocolError (e.g. AuthRefusedError) or HandshakeConnectionError; the stream is then closed.
 */
export async function connectPeer(socket: Socket, options: ConnectPeerOptions): Promise<PeerLink> {
  const timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const start = startCallerHandshake({
    signer: options.signer,
    calleeAddress: options.peer,
    randomBytes: options.randomBytes ?? cryptoRandomBytes,
    now: performance.now(),
    timeoutMs,
  });
  // Full-size frames from the start: the callee is authenticated by Tor and may send right after AuthOk.
  const stream = await driveHandshake(socket, { start, receive: callerReceive, tick: callerTick }, {
    timeoutMs,
    decoder: new FrameDecoder(),
    refuseEarlyFrames: false,
    now: () => performance.now(),
  });
  return new PeerLink(stream, options.signer.address, 'outbound', options.link);
}

/** Dials `peer`'s onion through tor and authenticates. Rejects with OnionDialError, a ProtocolError or HandshakeConnectionError. */
export async function dialPeer(options: DialPeerOptions): Promise<PeerLink> {
  const socket = await dialOnion(options.socks, options.peer, options.port, options.dialTimeoutMs === undefined ? {} : { timeoutMs: options.dialTimeoutMs });
  return connectPeer(socket, options);
}
