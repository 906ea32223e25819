// Public surface of the onion identity: v3 addresses, identity keys, signatures and their errors.
export {
  OnionAddressError,
  OnionKeyError,
  type OnionAddressErrorReason,
  type OnionAddressProblem,
} from '../../shared/onion-address/errors.js';
export {
  ONION_ADDRESS_LENGTH,
  encodeOnionAddress,
  isOnionAddress,
  isSmallOrderKey,
  onionHostname,
  parseOnionAddress,
  type OnionAddress,
  type ParsedOnionAddress,
} from '../../shared/onion-address/onion-address.js';
export { generateOnionKey, onionKeyFromSeed, verifyOnionSignature, type OnionKey } from './onion-key.js';
