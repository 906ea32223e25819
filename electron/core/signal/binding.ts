// The binding of a Signal identity key to an onion address: the onion key's ed25519 signature over the Signal key.
import { type OnionKey, verifyOnionSignature } from '../identity/index.js';
import { BindingError } from './errors.js';

const CONTEXT = new TextEncoder().encode('allium-bind-v1');

/** What the onion key signs: the context string, so the signature means nothing elsewhere, then the key. */
function bindingMessage(signalIdentityKey: Uint8Array): Uint8Array {
  const message = new Uint8Array(CONTEXT.length + signalIdentityKey.length);
  message.set(CONTEXT);
  message.set(signalIdentityKey, CONTEXT.length);
  return message;
}

/** `signalIdentityKey` is the serialized libsignal public key (33 bytes). */
export function createBinding(onionKey: OnionKey, signalIdentityKey: Uint8Array): Uint8Array {
  return onionKey.sign(bindingMessage(signalIdentityKey));
}

/** Throws {@link BindingError} unless the owner of `peerAddress` signed `signalIdentityKey`. */
export function verifyBinding(peerAddress: string, signalIdentityKey: Uint8Array, binding: Uint8Array): void {
  if (!verifyOnionSignature(peerAddress, bindingMessage(signalIdentityKey), binding)) {
    throw new BindingError(peerAddress, 'signature');
  }
}
