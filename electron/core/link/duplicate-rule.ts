// The rule both ends apply when two links join the same pair, so they keep the same one without talking about it.
import type { OnionAddress } from '../identity/index.js';

/** What the rule needs to know of a link. */
export interface LinkOrigin {
  /** The address of the side that dialed this link. */
  readonly dialer: OnionAddress;
  /** Order in which this side saw the links authenticate (larger is newer). */
  readonly sequence: number;
}

/**
 * The link to keep of two between the same pair: the one dialed by the lexicographically smaller address, which
 * both ends compute alike. Two links dialed by the same side mean that side gave up on the older one (its end
 * died without our noticing), so the newer is kept.
 */
export function linkToKeep<Link extends LinkOrigin>(a: Link, b: Link): Link {
  if (a.dialer !== b.dialer) return a.dialer < b.dialer ? a : b;
  return a.sequence > b.sequence ? a : b;
}
