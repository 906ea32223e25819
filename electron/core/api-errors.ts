// Turns any error the core's parts raise into the { code, message } the API carries, in words a person can act on.
import { ApiError, isApiErrorCode } from '../shared/api/index.js';
import { OnionAddressError } from '../shared/onion-address/index.js';
import { OnionDialError } from './link/index.js';
import { RelayError, RelayUnreachableError } from './relay-client/index.js';
import { BindingError, BundleFormatError, IdentityChangedError, UntrustedIdentityError } from './signal/index.js';
import { TorBinaryNotFoundError, TorConfigError, TorProcessError } from './tor/index.js';
import { StoreError } from './store/index.js';

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreError) {
    // The store's codes are the contract's, except `storage-unsupported` (a newer format): the data cannot be read here.
    return new ApiError(isApiErrorCode(error.code) ? error.code : 'storage-corrupt', error.message);
  }
  if (error instanceof OnionAddressError) return new ApiError('invalid-address', error.message);
  if (error instanceof TorBinaryNotFoundError || error instanceof TorProcessError) return new ApiError('tor-unavailable', error.message);
  if (error instanceof TorConfigError) return new ApiError('invalid-input', error.message);
  if (error instanceof OnionDialError) return new ApiError('tor-unavailable', error.message);
  if (error instanceof RelayUnreachableError) return new ApiError('relay-unreachable', error.message);
  if (error instanceof RelayError) return new ApiError('relay-refused', error.message);
  // Messaging words these itself where it knows the contact's name; these are the plain fallbacks.
  if (error instanceof IdentityChangedError || error instanceof UntrustedIdentityError) {
    return new ApiError('identity-changed', 'This contact now presents a different safety number. Review it before going on.');
  }
  if (error instanceof BindingError || error instanceof BundleFormatError) {
    return new ApiError('request-unusable', 'The keys this contact sent are damaged or not theirs, so Allium cannot use them.');
  }
  return new ApiError('internal', 'Something went wrong inside Allium. Details are in the log.');
}
