// A mailbox's ed25519 queue key: made here, kept by the caller (the core's encrypted store), used to sign requests.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { signedRequestText } from '../../shared/relay-protocol/index.js';

/** The 32-byte seed is the secret; the queue id (base64url public key) names the queue on the relay. */
export interface QueueKey {
  readonly queueId: string;
  readonly seed: Uint8Array;
}

/** PKCS#8 wrapping of a raw ed25519 seed (RFC 8410), so node:crypto can load it. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function generateQueueKey(): QueueKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  if (jwk.d === undefined || jwk.x === undefined) throw new Error('node:crypto exported an ed25519 key without its parts');
  return { queueId: jwk.x, seed: Buffer.from(jwk.d, 'base64url') };
}

/** The queue key of a stored seed; throws if the seed does not have 32 bytes. */
export function queueKeyFromSeed(seed: Uint8Array): QueueKey {
  return { queueId: queueIdOf(privateKeyOf(seed)), seed };
}

function privateKeyOf(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new RangeError(`A queue key seed has 32 bytes; got ${String(seed.length)}.`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function queueIdOf(privateKey: KeyObject): string {
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x;
  if (x === undefined) throw new Error('node:crypto exported an ed25519 public key without x');
  return x;
}

export interface SignedHeaders {
  readonly 'x-allium-timestamp': string;
  readonly 'x-allium-signature': string;
}

/** Signs one request (method, path with query, time, body hash) with the queue key. */
export function signRequest(key: QueueKey, method: string, pathAndQuery: string, body: Uint8Array, timestamp: number): SignedHeaders {
  const text = signedRequestText({ method, pathAndQuery, timestamp, bodySha256Hex: createHash('sha256').update(body).digest('hex') });
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKeyOf(key.seed));
  return { 'x-allium-timestamp': String(timestamp), 'x-allium-signature': signature.toString('base64url') };
}
