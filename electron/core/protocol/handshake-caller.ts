// The caller's side of the handshake, sans-io: answer the callee's Hello with a signed Auth, then await the verdict.
import type { OnionAddress } from '../identity/index.js';
import { authProofMessage } from './auth-proof.js';
import { AuthRefusedError, HandshakeTimeoutError, UnexpectedFrameError, UnsupportedVersionError } from './errors.js';
import { NONCE_BYTES, SUPPORTED_VERSIONS, type Frame, type StreamPurpose } from './frames.js';
import { failed, succeeded, unchanged, type HandshakeOutcome, type HandshakeStep, type RandomBytes } from './handshake-step.js';

/** What the caller needs of its identity: its address and ed25519 signatures (an OnionKey fits). */
export interface AuthSigner {
  readonly address: OnionAddress;
  sign(message: Uint8Array): Uint8Array;
}

export interface CallerConfig {
  readonly signer: AuthSigner;
  /** The onion we dialed; Tor guarantees only its key holder answers there, so the callee needs no proof. */
  readonly calleeAddress: OnionAddress;
  readonly randomBytes: RandomBytes;
  /** Clock reading when the stream opened, in ms. */
  readonly now: number;
  readonly timeoutMs: number;
  readonly versions?: readonly number[];
  /** What the stream is for; a link when absent. */
  readonly purpose?: StreamPurpose;
}

export type CallerState =
  | { readonly phase: 'awaiting-hello'; readonly config: CallerConfig; readonly deadline: number }
  | { readonly phase: 'awaiting-verdict'; readonly config: CallerConfig; readonly deadline: number; readonly version: number }
  | HandshakeOutcome;

const PROTOCOL_CLOSE: readonly Frame[] = [{ type: 'close', reason: 'protocol-error' }];

/** Starts a caller handshake; the caller speaks only after the callee's Hello. */
export function startCallerHandshake(config: CallerConfig): HandshakeStep<CallerState> {
  return unchanged({ phase: 'awaiting-hello', config, deadline: config.now + config.timeoutMs });
}

/** Handles one frame from the callee at time `now`. Terminal states ignore further input. */
export function callerReceive(state: CallerState, frame: Frame, now: number): HandshakeStep<CallerState> {
  if (state.phase === 'authenticated' || state.phase === 'failed') return unchanged(state);
  if (now > state.deadline) return failed(new HandshakeTimeoutError(state.config.timeoutMs), PROTOCOL_CLOSE);
  if (state.phase === 'awaiting-hello') {
    if (frame.type !== 'hello') return failed(new UnexpectedFrameError(frame.type, 'awaiting Hello'), PROTOCOL_CLOSE);
    const ours = state.config.versions ?? SUPPORTED_VERSIONS;
    const common = frame.versions.filter((version) => ours.includes(version));
    if (common.length === 0) return failed(new UnsupportedVersionError(frame.versions, ours), PROTOCOL_CLOSE);
    const version = Math.max(...common);
    const { signer, calleeAddress, randomBytes, purpose = 'link' } = state.config;
    const nonce = randomBytes(NONCE_BYTES);
    const signature = signer.sign(authProofMessage(calleeAddress, signer.address, frame.nonce, nonce, purpose));
    return {
      state: { phase: 'awaiting-verdict', config: state.config, deadline: state.deadline, version },
      send: [{ type: 'auth', version, callerAddress: signer.address, nonce, signature, ...(purpose === 'link' ? {} : { purpose }) }],
      events: [],
    };
  }
  if (frame.type === 'auth-ok') return succeeded(state.config.calleeAddress, state.version, state.config.purpose ?? 'link', []);
  if (frame.type === 'auth-fail') return failed(new AuthRefusedError(state.config.calleeAddress, frame.reason));
  return failed(new UnexpectedFrameError(frame.type, 'awaiting AuthOk or AuthFail'), PROTOCOL_CLOSE);
}

/** Lets the clock fail a handshake that passed its deadline. */
export function callerTick(state: CallerState, now: number): HandshakeStep<CallerState> {
  if (state.phase === 'authenticated' || state.phase === 'failed' || now <= state.deadline) return unchanged(state);
  return failed(new HandshakeTimeoutError(state.config.timeoutMs), PROTOCOL_CLOSE);
}
