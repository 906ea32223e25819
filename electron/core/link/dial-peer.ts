// The caller's side of a link: open a stream (through tor's SOCKS, or any socket), prove who we are, get a PeerLink.
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { OnionAddress } from '../identity/index.js';
import { callerReceive, callerTick, FrameDecoder, startCallerHandshake, type AuthSigner, type RandomBytes, type StreamPurpose } from '../protocol/index.js';
import type { SocksEndpoint } from '../tor/index.js';
import { driveHandshake, type AuthenticatedStream } from './handshake-driver.js';
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
  const stream = await connectStream(socket, options, 'link');
  return new PeerLink(stream, options.signer.address, 'outbound', options.link);
}

/**
 * Runs the caller's handshake for a stream of `purpose` on a stream already connected to `peer`; resolves with it
 * authenticated and paused. Rejects like connectPeer; a callee that does not admit the purpose answers AuthFail 'blocked'.
 */
export function connectStream(socket: Socket, options: Omit<ConnectPeerOptions, 'link'>, purpose: StreamPurpose): Promise<AuthenticatedStream> {
  const timeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const start = startCallerHandshake({
    signer: options.signer,
    calleeAddress: options.peer,
    randomBytes: options.randomBytes ?? cryptoRandomBytes,
    now: performance.now(),
    timeoutMs,
    purpose,
  });
  // Full-size frames from the start: the callee is authenticated by Tor and may send right after AuthOk.
  return driveHandshake(socket, { start, receive: callerReceive, tick: callerTick }, {
    timeoutMs,
    decoder: new FrameDecoder(),
    refuseEarlyFrames: false,
    now: () => performance.now(),
  });
}

/** Dials `peer`'s onion through tor and authenticates. Rejects with OnionDialError, a ProtocolError or HandshakeConnectionError. */
export async function dialPeer(options: DialPeerOptions): Promise<PeerLink> {
  const socket = await dialOnion(options.socks, options.peer, options.port, options.dialTimeoutMs === undefined ? {} : { timeoutMs: options.dialTimeoutMs });
  return connectPeer(socket, options);
}

/** Dials `peer`'s onion through tor for a stream of `purpose` (a file stream); rejects like dialPeer. */
export async function dialStream(options: Omit<DialPeerOptions, 'link'>, purpose: StreamPurpose): Promise<AuthenticatedStream> {
  const socket = await dialOnion(options.socks, options.peer, options.port, options.dialTimeoutMs === undefined ? {} : { timeoutMs: options.dialTimeoutMs });
  return connectStream(socket, options, purpose);
}
