// The message a caller signs to prove its onion identity to one callee, bound to both fresh nonces.
import type { OnionAddress } from '../identity/index.js';
import type { StreamPurpose } from './frames.js';

const AUTH_CONTEXT = new TextEncoder().encode('allium-auth-v1');

/**
 * `"allium-auth-v1" ‖ calleeAddress ‖ callerAddress ‖ nonceCallee ‖ nonceCaller`, addresses as their 56 ASCII
 * characters. Naming the callee stops a proof made for one onion from opening a link to another; the callee's
 * nonce makes every proof single-use; the caller's nonce keeps the callee from choosing the whole signed message.
 * A stream for another purpose than a link appends `‖ purpose` (ASCII), so a proof for one purpose opens no other;
 * a link's proof is unchanged.
 */
export function authProofMessage(callee: OnionAddress, caller: OnionAddress, nonceCallee: Uint8Array, nonceCaller: Uint8Array, purpose: StreamPurpose = 'link'): Uint8Array {
  const ascii = new TextEncoder();
  const parts = [AUTH_CONTEXT, ascii.encode(callee), ascii.encode(caller), nonceCallee, nonceCaller];
  if (purpose !== 'link') parts.push(ascii.encode(purpose));
  const message = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    message.set(part, offset);
    offset += part.length;
  }
  return message;
}
