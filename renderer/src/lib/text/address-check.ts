// Checks an onion address while it is typed: quiet while it is still being entered, specific once it is wrong.
import { ONION_ADDRESS_LENGTH, OnionAddressError, parseOnionAddress } from '../../../../electron/shared/onion-address/index.js';

export type AddressCheck =
  | { readonly kind: 'empty' }
  /** Fewer than 56 valid characters so far: not an error yet. */
  | { readonly kind: 'typing'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'valid'; readonly address: string };

export function checkAddress(text: string): AddressCheck {
  if (text.trim() === '') return { kind: 'empty' };
  try {
    return { kind: 'valid', address: parseOnionAddress(text).address };
  } catch (error) {
    if (!(error instanceof OnionAddressError)) throw error;
    const { problem } = error;
    if (problem.reason === 'length' && problem.length < ONION_ADDRESS_LENGTH) {
      return { kind: 'typing', message: `${problem.length} of ${ONION_ADDRESS_LENGTH} characters` };
    }
    return { kind: 'invalid', message: error.message };
  }
}
