// What a queue owner signs for each request: the exact text both sides rebuild, so a signature covers it all.

/** Separates Allium relay signatures from any other use of the same ed25519 key. */
export const SIGNATURE_DOMAIN = 'allium-relay-request-v1';

/** How far a request's timestamp may be from the relay's clock, either way. */
export const SIGNATURE_FRESHNESS_MS = 5 * 60_000;

/** Headers of a signed request. */
export const HEADER_TIMESTAMP = 'x-allium-timestamp';
export const HEADER_SIGNATURE = 'x-allium-signature';

export interface SignedRequestParts {
  readonly method: string;
  /** Path with its query string, exactly as sent on the request line. */
  readonly pathAndQuery: string;
  /** Milliseconds since the epoch, as sent in the timestamp header. */
  readonly timestamp: number;
  /** Lowercase hex SHA-256 of the request body (of zero bytes when there is none). */
  readonly bodySha256Hex: string;
}

/** The bytes signed with the queue key, one field per line. */
export function signedRequestText({ method, pathAndQuery, timestamp, bodySha256Hex }: SignedRequestParts): string {
  return [SIGNATURE_DOMAIN, method.toUpperCase(), pathAndQuery, String(timestamp), bodySha256Hex].join('\n');
}
