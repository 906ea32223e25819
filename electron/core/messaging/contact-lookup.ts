// Finds the onion address or the stored contact a command names, refusing with reasons a person understands.
import { ApiError } from '../../shared/api/index.js';
import { parseOnionAddress, type OnionAddress } from '../../shared/onion-address/index.js';
import type { Contact, ProfileState } from '../store/index.js';

export function parseAddress(typed: string): OnionAddress {
  try {
    return parseOnionAddress(typed).address;
  } catch (error) {
    throw new ApiError('invalid-address', error instanceof Error ? error.message : 'This is not an onion address.');
  }
}

export function requireContact(state: ProfileState, address: string): Contact {
  let canonical: string;
  try {
    canonical = parseOnionAddress(address).address;
  } catch {
    throw new ApiError('contact-not-found', 'There is no contact with this address.');
  }
  const contact = state.contact(canonical);
  if (contact === undefined) throw new ApiError('contact-not-found', 'There is no contact with this address.');
  return contact;
}
