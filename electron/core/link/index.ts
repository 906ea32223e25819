// Public surface of the link layer: the onion listener, dialing, authenticated peer links and the link manager.
export { HandshakeConnectionError, LinkClosedError, LinkStateError, NoLinkError, SendBufferFullError } from './errors.js';
export { OnionDialError, dialOnion, type DialOptions, type OnionDialFailure } from './socks-dialer.js';
export { connectPeer, connectStream, dialPeer, dialStream, type ConnectPeerOptions, type DialPeerOptions } from './dial-peer.js';
export type { AuthenticatedStream } from './handshake-driver.js';
export {
  DEFAULT_HANDSHAKE_RATE,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_PENDING_HANDSHAKES,
  DEFAULT_PRE_AUTH_TIMEOUT_MS,
  MAX_STREAMS_PER_CIRCUIT,
  OnionListener,
  defaultListenEndpoint,
  type ListenEndpoint,
  type OnionListenerEvents,
  type OnionListenerOptions,
  type RejectedConnection,
} from './onion-listener.js';
export {
  DEFAULT_KEEPALIVE_INTERVAL_MS,
  DEFAULT_KEEPALIVE_TIMEOUT_MS,
  DEFAULT_MAX_QUEUED_BYTES,
  PeerLink,
  type LinkCloseCause,
  type LinkDirection,
  type PeerLinkEvents,
  type PeerLinkOptions,
} from './peer-link.js';
export { DEFAULT_MAX_CONCURRENT_DIALS, DEFAULT_RECONNECT_BACKOFF, LinkManager, type LinkManagerEvents, type LinkManagerOptions } from './link-manager.js';
export { linkToKeep, type LinkOrigin } from './duplicate-rule.js';
export { backoffDelay, type BackoffPolicy } from './backoff.js';
