// Public surface of the onion identity: v3 addresses (shared with the renderer), identity keys, signatures.
export * from '../../shared/onion-address/index.js';
export { generateOnionKey, onionKeyFromSeed, verifyOnionSignature, type OnionKey } from './onion-key.js';
