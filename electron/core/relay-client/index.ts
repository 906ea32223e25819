// Public surface of the relay client: reach a relay, manage mailboxes with the caller's keys, deposit and fetch, list groups.
export {
  RelayClient,
  newEnvelopeId,
  type DepositCapability,
  type DepositReceipt,
  type FetchOptions,
  type FetchedEnvelope,
  type GroupListingDraft,
  type PublishedListing,
  type RelayClientOptions,
} from './relay-client.js';
export { signListing, signUnlisting, verifyListing, verifySignedListing, verifyUnlisting, type DirectoryListingDraft } from './directory-listing.js';
export { generateQueueKey, queueKeyFromSeed, type QueueKey } from './queue-key.js';
export { RELAY_VIRTUAL_PORT, type RelayTarget } from './relay-transport.js';
export {
  DirectoryListingError,
  RelayAuthError,
  RelayCapabilityError,
  RelayError,
  RelayFailedError,
  RelayFullError,
  RelayNameTakenError,
  RelayQueueGoneError,
  RelayQuotaError,
  RelayRateLimitError,
  RelayRequestError,
  RelayUnreachableError,
  type RelayClientErrorCode,
} from './errors.js';
export {
  GROUP_NAME,
  parseRelayAddress,
  relayInvitation,
  MAX_ENVELOPE_BYTES,
  type DirectoryListing,
  type RelayInfo,
  type SignedListing,
  type SignedUnlisting,
} from '../../shared/relay-protocol/index.js';
