// Checks that a queue-owner request is signed by the queue's key, over this exact request, recently.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HEADER_SIGNATURE, HEADER_TIMESTAMP, SIGNATURE_FRESHNESS_MS, signedRequestText } from '../../shared/relay-protocol/index.js';
import { RelayRefusal } from '../errors.js';

const SIGNATURE = /^[A-Za-z0-9_-]{86}$/;
const TIMESTAMP = /^\d{1,15}$/;

/** The queue's public key from its id (base64url of the 32 raw bytes). */
export function queuePublicKey(queueId: string): KeyObject {
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: queueId }, format: 'jwk' });
  } catch {
    throw new RelayRefusal('malformed-request', 'The queue id is not an ed25519 public key.');
  }
}

/** Throws `signature-missing`, `signature-stale` or `signature-invalid` unless the request is the queue owner's. */
export function checkQueueSignature(request: IncomingMessage, queueId: string, body: Buffer, now: number): void {
  const signature = request.headers[HEADER_SIGNATURE];
  const timestampText = request.headers[HEADER_TIMESTAMP];
  if (typeof signature !== 'string' || typeof timestampText !== 'string') {
    throw new RelayRefusal('signature-missing', 'This request must be signed with the queue key (timestamp and signature headers).');
  }
  if (!SIGNATURE.test(signature) || !TIMESTAMP.test(timestampText)) throw new RelayRefusal('signature-invalid', 'The signature or timestamp header is malformed.');
  const timestamp = Number(timestampText);
  if (Math.abs(now - timestamp) > SIGNATURE_FRESHNESS_MS) {
    throw new RelayRefusal('signature-stale', 'The request was signed too long ago or too far in the future; check this computer’s clock.');
  }
  const text = signedRequestText({
    method: request.method ?? '',
    pathAndQuery: request.url ?? '',
    timestamp,
    bodySha256Hex: createHash('sha256').update(body).digest('hex'),
  });
  if (!verify(null, Buffer.from(text, 'utf8'), queuePublicKey(queueId), Buffer.from(signature, 'base64url'))) {
    throw new RelayRefusal('signature-invalid', 'The signature does not match this queue’s key and this request.');
  }
}
