// What one step of a sans-io handshake returns, shared by the caller and callee state machines.
import type { OnionAddress } from '../identity/index.js';
import type { ProtocolError } from './errors.js';
import type { Frame, StreamPurpose } from './frames.js';

export type HandshakeEvent =
  | { readonly type: 'authenticated'; readonly peer: OnionAddress; readonly version: number }
  | { readonly type: 'failed'; readonly error: ProtocolError };

/** The next state, the frames to write (in order) and what happened. After a failure the link writes `send`, then closes. */
export interface HandshakeStep<State> {
  readonly state: State;
  readonly send: readonly Frame[];
  readonly events: readonly HandshakeEvent[];
}

/** Terminal states, the same for both roles. */
export type HandshakeOutcome =
  | { readonly phase: 'authenticated'; readonly peer: OnionAddress; readonly version: number; readonly purpose: StreamPurpose }
  | { readonly phase: 'failed'; readonly error: ProtocolError };

/** Randomness the handshake needs, injected so tests are deterministic. */
export type RandomBytes = (length: number) => Uint8Array;

export function succeeded<State>(peer: OnionAddress, version: number, purpose: StreamPurpose, send: readonly Frame[]): HandshakeStep<State | HandshakeOutcome> {
  return { state: { phase: 'authenticated', peer, version, purpose }, send, events: [{ type: 'authenticated', peer, version }] };
}

export function failed<State>(error: ProtocolError, send: readonly Frame[] = []): HandshakeStep<State | HandshakeOutcome> {
  return { state: { phase: 'failed', error }, send, events: [{ type: 'failed', error }] };
}

export function unchanged<State>(state: State): HandshakeStep<State> {
  return { state, send: [], events: [] };
}
