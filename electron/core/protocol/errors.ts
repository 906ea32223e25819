// Named errors of wire protocol v1: framing, decoding and the handshake, each with a stable machine-readable code.
import type { OnionAddress } from '../identity/index.js';

/** Stable codes a log or the UI can act on; they never change meaning once shipped. */
export type ProtocolErrorCode =
  | 'frame-too-large'
  | 'truncated-frame'
  | 'malformed-frame'
  | 'unknown-frame-type'
  | 'unsupported-version'
  | 'invalid-frame'
  | 'unexpected-frame'
  | 'bad-address'
  | 'bad-proof'
  | 'blocked'
  | 'auth-refused'
  | 'handshake-timeout';

/** Base of every error the protocol raises: whatever a peer sends, decoding throws nothing else. */
export abstract class ProtocolError extends Error {
  abstract readonly code: ProtocolErrorCode;
}

/** A length prefix announced more than the allowed payload size; detected before any payload is buffered. */
export class FrameTooLargeError extends ProtocolError {
  override readonly name = 'FrameTooLargeError';
  readonly code = 'frame-too-large';
  constructor(
    readonly announcedBytes: number,
    readonly maxBytes: number,
  ) {
    super(`A frame announced ${String(announcedBytes)} bytes of payload; at most ${String(maxBytes)} are allowed.`);
  }
}

/** The stream ended in the middle of a frame. */
export class TruncatedFrameError extends ProtocolError {
  override readonly name = 'TruncatedFrameError';
  readonly code = 'truncated-frame';
  constructor(readonly bufferedBytes: number) {
    super(`The stream ended inside a frame (${String(bufferedBytes)} bytes of it received).`);
  }
}

/** The bytes of a frame are not a valid v1 payload (bad length, padding, msgpack or fields). */
export class MalformedFrameError extends ProtocolError {
  override readonly name = 'MalformedFrameError';
  readonly code = 'malformed-frame';
}

/** The frame's body names a type this version does not know. */
export class UnknownFrameTypeError extends ProtocolError {
  override readonly name = 'UnknownFrameTypeError';
  readonly code = 'unknown-frame-type';
  constructor(readonly frameType: string) {
    super(`Unknown frame type '${frameType.slice(0, 64)}'.`);
  }
}

/** A payload's version byte, or a peer's list of versions, has nothing this implementation speaks. */
export class UnsupportedVersionError extends ProtocolError {
  override readonly name = 'UnsupportedVersionError';
  readonly code = 'unsupported-version';
  constructor(
    readonly offered: readonly number[],
    readonly supported: readonly number[],
  ) {
    super(`Protocol version ${offered.join(', ') || '(none)'} is not supported; this side speaks ${supported.join(', ')}.`);
  }
}

/** We were asked to encode a frame that breaks its own schema (a bug or oversized data of the layer above). */
export class InvalidFrameError extends ProtocolError {
  override readonly name = 'InvalidFrameError';
  readonly code = 'invalid-frame';
}

/** A frame arrived that the current state does not allow (out of order, or handshake frames after it). */
export class UnexpectedFrameError extends ProtocolError {
  override readonly name = 'UnexpectedFrameError';
  readonly code = 'unexpected-frame';
  constructor(
    readonly frameType: string,
    readonly state: string,
  ) {
    super(`Frame '${frameType}' is not allowed while ${state}.`);
  }
}

/** The caller's address in Auth is not a valid v3 onion address. */
export class BadCallerAddressError extends ProtocolError {
  override readonly name = 'BadCallerAddressError';
  readonly code = 'bad-address';
}

/** The caller's signature does not prove it holds the key of the address it claims, for this callee and these nonces. */
export class BadAuthProofError extends ProtocolError {
  override readonly name = 'BadAuthProofError';
  readonly code = 'bad-proof';
  constructor(readonly claimedAddress: string) {
    super(`The authentication proof for ${claimedAddress} does not verify (forged, replayed or made for another onion).`);
  }
}

/** The caller proved its identity, but we blocked it. */
export class CallerBlockedError extends ProtocolError {
  override readonly name = 'CallerBlockedError';
  readonly code = 'blocked';
  constructor(readonly caller: OnionAddress) {
    super(`${caller} is blocked.`);
  }
}

/** The callee answered our Auth with AuthFail. */
export class AuthRefusedError extends ProtocolError {
  override readonly name = 'AuthRefusedError';
  readonly code = 'auth-refused';
  constructor(
    readonly callee: string,
    readonly reason: string,
  ) {
    super(`${callee} refused our authentication: ${reason}.`);
  }
}

/** The handshake did not finish before its deadline. */
export class HandshakeTimeoutError extends ProtocolError {
  override readonly name = 'HandshakeTimeoutError';
  readonly code = 'handshake-timeout';
  constructor(readonly timeoutMs: number) {
    super(`The handshake did not finish within ${String(timeoutMs)} ms.`);
  }
}
