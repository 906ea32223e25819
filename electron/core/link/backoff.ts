// Jittered exponential backoff for redialing a peer: spread out so that many clients never retry in lockstep.

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/**
 * The wait before retry number `attempt` (1-based): initial × 2^(attempt−1), capped, then scaled by a random
 * factor in [0.5, 1) ("equal jitter"), which keeps the expected delay growing while desynchronising peers.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.5 + random() * 0.5));
}
