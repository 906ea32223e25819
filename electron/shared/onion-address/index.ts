// Tor v3 onion addresses, shared by the core and the renderer (which validates addresses as they are typed).
export { OnionAddressError, OnionKeyError, type OnionAddressErrorReason, type OnionAddressProblem } from './errors.js';
export {
  ONION_ADDRESS_LENGTH,
  encodeOnionAddress,
  isOnionAddress,
  isSmallOrderKey,
  onionHostname,
  parseOnionAddress,
  type OnionAddress,
  type ParsedOnionAddress,
} from './onion-address.js';
