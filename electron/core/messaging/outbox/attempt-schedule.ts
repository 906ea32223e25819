// When the outbox tries a message again: after a resend interval while waiting for a receipt, after a backoff when refused.

/** First wait for a receipt before sending again; it doubles with each attempt up to the cap. */
const RESEND_AFTER_MS = 20_000;
const RESEND_CAP_MS = 5 * 60_000;
/** First wait after a courier could not take a message; it doubles with each attempt up to the cap. */
const RETRY_AFTER_MS = 5_000;
const RETRY_CAP_MS = 15 * 60_000;
/** Each wait is moved by up to this fraction either way, so many waiting messages do not all wake at once. */
const JITTER = 0.2;

function backoff(first: number, cap: number, attempts: number, random: () => number): number {
  const base = Math.min(cap, first * 2 ** Math.min(Math.max(attempts - 1, 0), 20));
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/** How long after its `attempts`-th attempt a message handed to a courier is sent again if no receipt came. */
export function resendDelay(attempts: number, random: () => number): number {
  return backoff(RESEND_AFTER_MS, RESEND_CAP_MS, attempts, random);
}

/** How long after its `attempts`-th attempt a message no courier took is tried again. */
export function retryDelay(attempts: number, random: () => number): number {
  return backoff(RETRY_AFTER_MS, RETRY_CAP_MS, attempts, random);
}
