// The onion binding of a Signal identity key: valid for its address only, and only for the key it signs.
import { IdentityKeyPair } from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { generateOnionKey } from '../identity/index.js';
import { createBinding, verifyBinding } from './binding.js';
import { BindingError } from './errors.js';

describe('binding', () => {
  const onionKey = generateOnionKey();
  const signalKey = IdentityKeyPair.generate().publicKey.serialize();
  const binding = createBinding(onionKey, signalKey);

  it('verifies against the signer\'s address, in any typed form', () => {
    expect(() => verifyBinding(onionKey.address, signalKey, binding)).not.toThrow();
    expect(() => verifyBinding(`${onionKey.address.toUpperCase()}.onion`, signalKey, binding)).not.toThrow();
  });

  it('is refused for another address, another key, a damaged signature, or a signature without the context', () => {
    const other = generateOnionKey();
    expect(() => verifyBinding(other.address, signalKey, binding)).toThrow(BindingError);
    expect(() => verifyBinding(onionKey.address, IdentityKeyPair.generate().publicKey.serialize(), binding)).toThrow(BindingError);
    const damaged = Uint8Array.from(binding);
    damaged[0] = damaged[0]! ^ 1;
    expect(() => verifyBinding(onionKey.address, signalKey, damaged)).toThrow(BindingError);
    expect(() => verifyBinding(onionKey.address, signalKey, onionKey.sign(signalKey))).toThrow(
      `The Signal identity key presented for ${onionKey.address} is not signed by that onion address's key`,
    );
  });

  it('signs exactly "allium-bind-v1" followed by the key', () => {
    const expected = onionKey.sign(Uint8Array.of(...new TextEncoder().encode('allium-bind-v1'), ...signalKey));
    expect(binding).toEqual(expected);
  });
});
