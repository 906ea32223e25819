// fast-check generators of valid v1 frames, shared by the codec's property tests and the link tests.
import fc from 'fast-check';
import {
  AUTH_FAIL_REASONS,
  CLOSE_REASONS,
  CONTACT_REQUEST_STATUSES,
  MAX_CONTACT_MESSAGE_CHARS,
  MAX_NICKNAME_CHARS,
  NONCE_BYTES,
  SIGNATURE_BYTES,
  type Frame,
} from './frames.js';

const bytes = (minLength: number, maxLength: number): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength, maxLength }).map((value) => Uint8Array.from(value));
const address = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz234567'), minLength: 56, maxLength: 56 });
const counter = fc.integer({ min: 0, max: 0xffff_ffff });

export const frameArbitrary: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({ type: fc.constant('hello' as const), versions: fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 16 }), nonce: bytes(NONCE_BYTES, NONCE_BYTES) }),
  fc.record({
    type: fc.constant('auth' as const),
    version: fc.integer({ min: 1, max: 255 }),
    callerAddress: address,
    nonce: bytes(NONCE_BYTES, NONCE_BYTES),
    signature: bytes(SIGNATURE_BYTES, SIGNATURE_BYTES),
  }),
  fc.constant({ type: 'auth-ok' as const }),
  fc.record({ type: fc.constant('auth-fail' as const), reason: fc.constantFrom(...AUTH_FAIL_REASONS) }),
  fc.record({
    type: fc.constant('contact-request' as const),
    nickname: fc.string({ unit: 'grapheme', minLength: 1, maxLength: MAX_NICKNAME_CHARS }).filter((text) => text.length >= 1 && text.length <= MAX_NICKNAME_CHARS),
    message: fc.string({ unit: 'grapheme', maxLength: MAX_CONTACT_MESSAGE_CHARS }).filter((text) => text.length <= MAX_CONTACT_MESSAGE_CHARS),
    signalIdentityKey: bytes(1, 64),
    binding: bytes(1, 128),
    prekeyBundle: bytes(1, 4_000),
  }),
  fc.record({ type: fc.constant('contact-request-receipt' as const), status: fc.constantFrom(...CONTACT_REQUEST_STATUSES) }),
  fc.record({ type: fc.constant('signal' as const), kind: fc.constantFrom('prekey' as const, 'whisper' as const), body: bytes(1, 20_000) }),
  fc.record({ type: fc.constant('ping' as const), n: counter }),
  fc.record({ type: fc.constant('pong' as const), n: counter }),
  fc.record({ type: fc.constant('close' as const), reason: fc.constantFrom(...CLOSE_REASONS) }),
);
