// The cost of a new queue: a proof of work over a challenge the relay signs, harder as more queues were created lately.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  HEADER_PROOF_BITS,
  HEADER_PROOF_CHALLENGE,
  MAX_PROOF_BITS,
  PROOF_NONCE,
  leadingZeroBits,
  proofPrefix,
  type QueueCreateRequest,
} from '../../shared/relay-protocol/index.js';
import { RelayRefusal } from '../errors.js';
import type { RelayLimits } from '../limits.js';

/** How long a challenge may be solved in. */
export const CHALLENGE_LIFETIME_MS = 10 * 60_000;
/** The window of recent creations the difficulty follows, in minute slots. */
const WINDOW_MINUTES = 10;
const MAC_BYTES = 16;

/**
 * Issues and checks challenges without keeping them: a challenge is `issuedAt ‖ bits ‖ MAC(queue id, issuedAt, bits)`
 * under a key made at start, so it names one queue, one difficulty and one time. Solving it creates that queue only.
 */
export class QueueAdmission {
  readonly #key = randomBytes(32);
  readonly #limits: RelayLimits;
  readonly #now: () => number;
  /** Queues created per minute, the last WINDOW_MINUTES minutes. */
  readonly #slots = new Array<number>(WINDOW_MINUTES).fill(0);
  #minute = 0;

  constructor(limits: RelayLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Leading zero bits asked of a new queue now: the base, plus one per doubling of recent creations past the load. */
  bits(): number {
    const recent = this.#recent();
    const { queueProofBits, queueProofLoad } = this.#limits;
    const extra = recent > queueProofLoad ? Math.ceil(Math.log2(recent / queueProofLoad)) : 0;
    return Math.min(MAX_PROOF_BITS, queueProofBits + extra);
  }

  /** Throws `proof-required` with a fresh challenge unless `request` holds a live, solved challenge for this queue. */
  check(queueId: string, request: QueueCreateRequest): void {
    const proof = request.proof;
    if (proof === undefined) throw this.#refusal(queueId, 'Creating a queue on this relay takes a proof of work: solve the challenge in the headers and send it.');
    const bits = this.#verify(queueId, proof.challenge);
    if (bits === undefined) throw this.#refusal(queueId, 'The proof of work answers a challenge this relay did not issue for this queue, or one that expired; solve the new one.');
    if (!proofHolds(proof.challenge, queueId, proof.nonce, bits)) throw this.#refusal(queueId, 'The proof of work does not solve its challenge; solve the new one.');
  }

  /** Counts a queue created, raising the difficulty for the next ones. */
  created(): void {
    this.#advance();
    const slot = this.#minute % WINDOW_MINUTES;
    this.#slots[slot] = (this.#slots[slot] ?? 0) + 1;
  }

  #refusal(queueId: string, message: string): RelayRefusal {
    const bits = this.bits();
    return new RelayRefusal('proof-required', message, undefined, { [HEADER_PROOF_CHALLENGE]: this.#issue(queueId, bits), [HEADER_PROOF_BITS]: String(bits) });
  }

  #issue(queueId: string, bits: number): string {
    const head = Buffer.alloc(7);
    head.writeUIntBE(Math.floor(this.#now()), 0, 6);
    head.writeUInt8(bits, 6);
    return Buffer.concat([head, this.#mac(queueId, head)]).toString('base64url');
  }

  /** The challenge's bits, if this relay issued it for the queue and it is still live. */
  #verify(queueId: string, challenge: string): number | undefined {
    const bytes = Buffer.from(challenge, 'base64url');
    if (bytes.length !== 7 + MAC_BYTES) return undefined;
    const head = bytes.subarray(0, 7);
    if (!timingSafeEqual(bytes.subarray(7), this.#mac(queueId, head))) return undefined;
    const age = this.#now() - head.readUIntBE(0, 6);
    if (age < -60_000 || age > CHALLENGE_LIFETIME_MS) return undefined;
    return head.readUInt8(6);
  }

  #mac(queueId: string, head: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(queueId, 'utf8').update(head).digest().subarray(0, MAC_BYTES);
  }

  #recent(): number {
    this.#advance();
    return this.#slots.reduce((sum, n) => sum + n, 0);
  }

  #advance(): void {
    const minute = Math.floor(this.#now() / 60_000);
    if (minute - this.#minute >= WINDOW_MINUTES) this.#slots.fill(0);
    else for (let m = this.#minute + 1; m <= minute; m += 1) this.#slots[m % WINDOW_MINUTES] = 0;
    this.#minute = Math.max(this.#minute, minute);
  }
}

/** Whether `nonce` solves the challenge for this queue at `bits`: one hash. */
export function proofHolds(challenge: string, queueId: string, nonce: string, bits: number): boolean {
  if (!PROOF_NONCE.test(nonce)) return false;
  const digest = createHash('sha256').update(proofPrefix(challenge, queueId), 'utf8').update(Buffer.from(nonce, 'hex')).digest();
  return leadingZeroBits(digest) >= bits;
}
