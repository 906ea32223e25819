// The callee's side of the handshake, sans-io: send Hello, check the caller's Auth, answer AuthOk or AuthFail.
import { parseOnionAddress, verifyOnionSignature, OnionAddressError, type OnionAddress } from '../identity/index.js';
import { authProofMessage } from './auth-proof.js';
import {
  BadAuthProofError,
  BadCallerAddressError,
  CallerBlockedError,
  HandshakeTimeoutError,
  UnexpectedFrameError,
  UnsupportedVersionError,
} from './errors.js';
import { NONCE_BYTES, SUPPORTED_VERSIONS, type AuthFrame, type Frame, type StreamPurpose } from './frames.js';
import { failed, succeeded, unchanged, type HandshakeOutcome, type HandshakeStep, type RandomBytes } from './handshake-step.js';

export interface CalleeConfig {
  /** Our own onion address: the one the caller dialed, and the one its proof must name. */
  readonly localAddress: OnionAddress;
  /**
   * Whether a caller who proved its address is refused for this purpose (checked after the proof, so only the
   * owner learns it). Anyone unblocked may open a link; a file stream is for those the core accepts.
   */
  readonly isBlocked: (caller: OnionAddress, purpose: StreamPurpose) => boolean;
  readonly randomBytes: RandomBytes;
  /** Clock reading when the connection arrived, in ms. */
  readonly now: number;
  readonly timeoutMs: number;
  readonly versions?: readonly number[];
}

export type CalleeState =
  | {
      readonly phase: 'awaiting-auth';
      readonly config: CalleeConfig;
      readonly versions: readonly number[];
      readonly nonce: Uint8Array;
      readonly deadline: number;
    }
  | HandshakeOutcome;

/** Starts a callee handshake: the Hello to send first. */
export function startCalleeHandshake(config: CalleeConfig): HandshakeStep<CalleeState> {
  const versions = config.versions ?? SUPPORTED_VERSIONS;
  const nonce = config.randomBytes(NONCE_BYTES);
  return {
    state: { phase: 'awaiting-auth', config, versions, nonce, deadline: config.now + config.timeoutMs },
    send: [{ type: 'hello', versions: [...versions], nonce }],
    events: [],
  };
}

/** Handles one frame from the caller at time `now`. Terminal states ignore further input. */
export function calleeReceive(state: CalleeState, frame: Frame, now: number): HandshakeStep<CalleeState> {
  if (state.phase !== 'awaiting-auth') return unchanged(state);
  if (now > state.deadline) return failed(new HandshakeTimeoutError(state.config.timeoutMs), [{ type: 'close', reason: 'protocol-error' }]);
  if (frame.type !== 'auth') return failed(new UnexpectedFrameError(frame.type, 'awaiting Auth'), [{ type: 'close', reason: 'protocol-error' }]);
  return checkAuth(state, frame);
}

/** Lets the clock fail a handshake that passed its deadline. */
export function calleeTick(state: CalleeState, now: number): HandshakeStep<CalleeState> {
  if (state.phase !== 'awaiting-auth' || now <= state.deadline) return unchanged(state);
  return failed(new HandshakeTimeoutError(state.config.timeoutMs), [{ type: 'close', reason: 'protocol-error' }]);
}

function checkAuth(state: Extract<CalleeState, { phase: 'awaiting-auth' }>, auth: AuthFrame): HandshakeStep<CalleeState> {
  if (!state.versions.includes(auth.version)) {
    return failed(new UnsupportedVersionError([auth.version], state.versions), [{ type: 'auth-fail', reason: 'unsupported-version' }]);
  }
  let caller: OnionAddress;
  try {
    caller = parseOnionAddress(auth.callerAddress).address;
  } catch (error) {
    if (!(error instanceof OnionAddressError)) throw error;
    return failed(new BadCallerAddressError(`The caller's address is not valid: ${error.message}`, { cause: error }), [
      { type: 'auth-fail', reason: 'bad-address' },
    ]);
  }
  const purpose = auth.purpose ?? 'link';
  const message = authProofMessage(state.config.localAddress, caller, state.nonce, auth.nonce, purpose);
  if (!verifyOnionSignature(caller, message, auth.signature)) {
    return failed(new BadAuthProofError(caller), [{ type: 'auth-fail', reason: 'bad-proof' }]);
  }
  if (state.config.isBlocked(caller, purpose)) return failed(new CallerBlockedError(caller), [{ type: 'auth-fail', reason: 'blocked' }]);
  return succeeded(caller, auth.version, purpose, [{ type: 'auth-ok' }]);
}
