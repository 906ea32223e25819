// Public surface of wire protocol v1: frames, the codec, the incremental decoder and the sans-io handshake.
export * from './errors.js';
export * from './frames.js';
export { bucketFor, decodePayload, encodeFrame, MAX_PAYLOAD_BYTES, PAYLOAD_BUCKETS, WIRE_VERSION } from './frame-codec.js';
export { FrameDecoder, type FrameDecoderOptions } from './frame-decoder.js';
export { authProofMessage } from './auth-proof.js';
export type { HandshakeEvent, HandshakeOutcome, HandshakeStep, RandomBytes } from './handshake-step.js';
export { calleeReceive, calleeTick, startCalleeHandshake, type CalleeConfig, type CalleeState } from './handshake-callee.js';
export { callerReceive, callerTick, startCallerHandshake, type AuthSigner, type CallerConfig, type CallerState } from './handshake-caller.js';
