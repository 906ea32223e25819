// Limits for requests that name a group (to join, or from a fellow member): their own rate limit, a cap, and an expiry.
import type { ContactRequest, GroupJoinRequest } from '../../store/index.js';
import type { RequestLimits } from '../request-limiter.js';

/**
 * Group requests from strangers, counted apart from contact requests (which they never fill): per address and overall
 * per hour, and at most this many held at once (each keeps its sender's introduction, a few KiB).
 */
export const GROUP_REQUEST_LIMITS: RequestLimits = { perAddress: 3, overall: 60, windowMs: 60 * 60_000, maxPending: 100 };
/** A held group request, and a join request waiting for an admin, is dropped after this long unanswered. */
export const GROUP_REQUEST_TTL_MS = 7 * 24 * 60 * 60_000;

const expired = (at: string, now: number): boolean => Date.parse(at) + GROUP_REQUEST_TTL_MS <= now;

/** Incoming group requests we hold undecided. */
export function heldGroupRequests(requests: readonly ContactRequest[]): ContactRequest[] {
  return requests.filter((r) => r.direction === 'incoming' && r.status === 'pending' && r.group !== undefined);
}

/** What has expired by `now`: held group requests (by address) and join requests (by address). */
export function expiredGroupRequests(requests: readonly ContactRequest[], joinRequests: readonly GroupJoinRequest[], now: number): { held: string[]; join: string[] } {
  return {
    held: heldGroupRequests(requests).filter((r) => expired(r.at, now)).map((r) => r.address),
    join: joinRequests.filter((r) => expired(r.at, now)).map((r) => r.address),
  };
}

export function liveJoinRequests(joinRequests: readonly GroupJoinRequest[], now: number): GroupJoinRequest[] {
  return joinRequests.filter((r) => !expired(r.at, now));
}
