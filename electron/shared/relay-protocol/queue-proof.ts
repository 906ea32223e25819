// Proof of work for creating a queue: the relay issues a challenge, the client finds a nonce whose hash has enough zero bits.
import { z } from 'zod';

/** Headers of a `proof-required` refusal: the challenge to solve and how many leading zero bits its hash needs. */
export const HEADER_PROOF_CHALLENGE = 'x-allium-proof-challenge';
export const HEADER_PROOF_BITS = 'x-allium-proof-bits';
/** What the hash covers first, so a solution means nothing elsewhere. */
export const PROOF_DOMAIN = 'allium-relay-queue-proof-v1\0';
export const PROOF_CHALLENGE = /^[A-Za-z0-9_-]{16,128}$/;
/** A nonce is 8 bytes in lowercase hex. */
export const PROOF_NONCE = /^[0-9a-f]{16}$/;
/** No relay asks for more, and no client solves more: 2^24 hashes are half a minute on a slow core, 2^32 would be hours. */
export const MAX_PROOF_BITS = 24;

/** The body of `PUT /v1/queues/{queueId}`: empty for a queue that exists, else the solved challenge. */
export const queueCreateRequestSchema = z
  .object({ proof: z.object({ challenge: z.string().regex(PROOF_CHALLENGE), nonce: z.string().regex(PROOF_NONCE) }).strict().optional() })
  .strict();
export type QueueCreateRequest = z.infer<typeof queueCreateRequestSchema>;

/** The text the hash covers before the nonce's 8 bytes: SHA-256(prefix ‖ nonce) must start with `bits` zero bits. */
export function proofPrefix(challenge: string, queueId: string): string {
  return `${PROOF_DOMAIN}${challenge}\0${queueId}\0`;
}

/** How many of the hash's leading bits are zero. */
export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}
