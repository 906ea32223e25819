// Public surface of the relay client: reach a relay, manage mailboxes with the caller's keys, deposit and fetch, list groups, hold files.
export {
  RelayClient,
  newEnvelopeId,
  type CreatedBlob,
  type DepositCapability,
  type DepositReceipt,
  type DownloadBlobOptions,
  type FetchOptions,
  type FetchedEnvelope,
  type GroupListingDraft,
  type PublishedListing,
  type RelayClientOptions,
  type UploadBlobOptions,
} from './relay-client.js';
export type { BlobSource } from './blob-source.js';
export { signListing, signUnlisting, verifyListing, verifySignedListing, verifyUnlisting, type DirectoryListingDraft } from './directory-listing.js';
export { generateQueueKey, queueKeyFromSeed, type QueueKey } from './queue-key.js';
export { RELAY_VIRTUAL_PORT, type RelayTarget } from './relay-transport.js';
export {
  DirectoryListingError,
  RelayAuthError,
  RelayBlobGoneError,
  RelayCapabilityError,
  RelayError,
  RelayFailedError,
  RelayFullError,
  RelayNameTakenError,
  RelayProtocolError,
  RelayQueueGoneError,
  RelayQuotaError,
  RelayRateLimitError,
  RelayRequestError,
  RelayUnreachableError,
  type RelayClientErrorCode,
} from './errors.js';
export {
  BLOB_MAX_BYTES,
  GROUP_NAME,
  parseBlobCapability,
  parseRelayAddress,
  relayInvitation,
  MAX_ENVELOPE_BYTES,
  type BlobStatus,
  type DirectoryListing,
  type RelayInfo,
  type SignedListing,
  type SignedUnlisting,
} from '../../shared/relay-protocol/index.js';
