// Public surface of the relay client: reach a relay, manage mailboxes with the caller's keys, deposit and fetch.
export { RelayClient, newEnvelopeId, type DepositCapability, type DepositReceipt, type FetchOptions, type FetchedEnvelope, type RelayClientOptions } from './relay-client.js';
export { generateQueueKey, queueKeyFromSeed, type QueueKey } from './queue-key.js';
export { RELAY_VIRTUAL_PORT, type RelayTarget } from './relay-transport.js';
export {
  RelayAuthError,
  RelayCapabilityError,
  RelayError,
  RelayFailedError,
  RelayFullError,
  RelayQueueGoneError,
  RelayQuotaError,
  RelayRateLimitError,
  RelayRequestError,
  RelayUnreachableError,
  type RelayClientErrorCode,
} from './errors.js';
export { parseRelayAddress, relayInvitation, MAX_ENVELOPE_BYTES, type RelayInfo } from '../../shared/relay-protocol/index.js';
