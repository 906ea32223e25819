// The Allium relay protocol shared by the relay server and its client: padding, signatures, paths, codes.
export { BODY_BUCKETS, MAX_BODY_BYTES, MAX_ENVELOPE_BYTES, RelayPaddingError, bucketFor, isBucketLength, padToBucket, unpad } from './buckets.js';
export { INVITATION_PREFIX, parseRelayAddress, relayInvitation } from './invitation.js';
export { HEADER_SIGNATURE, HEADER_TIMESTAMP, SIGNATURE_DOMAIN, SIGNATURE_FRESHNESS_MS, signedRequestText, type SignedRequestParts } from './signed-request.js';
export * from './wire.js';
export * from './directory.js';
export * from './blobs.js';
export * from './queue-proof.js';
