// Solves a relay's proof-of-work challenge for a new queue, yielding to the event loop as it hashes.
import { createHash } from 'node:crypto';
import { MAX_PROOF_BITS, leadingZeroBits, proofPrefix } from '../../shared/relay-protocol/index.js';

/** Attempts between two yields to the event loop, so the core stays responsive while it solves. */
const ATTEMPTS_PER_TURN = 2_048;

/** A nonce (16 hex digits) for the challenge: on average 2^bits hashes (15 bits: about 70 ms on a slow shared core). */
export async function solveProof(challenge: string, queueId: string, bits: number): Promise<string> {
  if (!Number.isInteger(bits) || bits < 0 || bits > MAX_PROOF_BITS) throw new RangeError(`A proof of work needs 0 to ${String(MAX_PROOF_BITS)} bits, not ${String(bits)}.`);
  const start = createHash('sha256').update(proofPrefix(challenge, queueId), 'utf8');
  const nonce = Buffer.alloc(8);
  for (let n = 0; ; n += 1) {
    nonce.writeUInt32BE(Math.floor(n / 2 ** 32), 0);
    nonce.writeUInt32BE(n >>> 0, 4);
    if (leadingZeroBits(start.copy().update(nonce).digest()) >= bits) return nonce.toString('hex');
    if (n % ATTEMPTS_PER_TURN === ATTEMPTS_PER_TURN - 1) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
