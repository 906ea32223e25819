// A relay's invitation string (`allium-relay:<address>.onion`) and the relay addresses people paste.
import { parseOnionAddress, type OnionAddress } from '../onion-address/index.js';

export const INVITATION_PREFIX = 'allium-relay:';

/** The string an operator hands out: the relay's onion address, marked as an Allium relay. */
export function relayInvitation(address: OnionAddress): string {
  return `${INVITATION_PREFIX}${address}.onion`;
}

/**
 * Parses an invitation or a bare onion address as a person pastes it (surrounding spaces, any case, with or
 * without `.onion`). Typos are refused with the onion address's own words (OnionAddressError).
 */
export function parseRelayAddress(text: string): OnionAddress {
  const trimmed = text.trim();
  const bare = trimmed.toLowerCase().startsWith(INVITATION_PREFIX) ? trimmed.slice(INVITATION_PREFIX.length) : trimmed;
  return parseOnionAddress(bare).address;
}
