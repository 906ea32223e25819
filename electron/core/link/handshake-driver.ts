// Runs a sans-io handshake over a socket: feeds it frames and the deadline, writes what it says, hands over the stream.
import type { Socket } from 'node:net';
import type { OnionAddress } from '../identity/index.js';
import {
  encodeFrame,
  ProtocolError,
  UnexpectedFrameError,
  type Frame,
  type FrameDecoder,
  type HandshakeOutcome,
  type HandshakeStep,
  type StreamPurpose,
} from '../protocol/index.js';
import { HandshakeConnectionError } from './errors.js';

/** A stream whose peer is authenticated, ready to become a PeerLink. */
export interface AuthenticatedStream {
  readonly socket: Socket;
  readonly peer: OnionAddress;
  readonly version: number;
  /** What the caller opened the stream for: a link, or a file stream handed to file transfer. */
  readonly purpose: StreamPurpose;
  /** The decoder with any bytes that followed the handshake. */
  readonly decoder: FrameDecoder;
  /** Frames that arrived in the same chunks as the end of the handshake. */
  readonly pending: readonly Frame[];
}

export interface HandshakeMachine<State extends { readonly phase: string }> {
  readonly start: HandshakeStep<State | HandshakeOutcome>;
  receive(state: State | HandshakeOutcome, frame: Frame, now: number): HandshakeStep<State | HandshakeOutcome>;
  tick(state: State | HandshakeOutcome, now: number): HandshakeStep<State | HandshakeOutcome>;
}

export interface DriveOptions {
  readonly timeoutMs: number;
  readonly decoder: FrameDecoder;
  /** The callee refuses frames pipelined after Auth: the caller may speak only once it has AuthOk. */
  readonly refuseEarlyFrames: boolean;
  readonly now: () => number;
}

/** How long a refused peer gets to read our AuthFail or Close before the stream is destroyed. */
const FAREWELL_MS = 2_000;

/** Resolves with the authenticated stream, or rejects with a ProtocolError or HandshakeConnectionError after closing it. */
export function driveHandshake<State extends { readonly phase: string }>(socket: Socket, machine: HandshakeMachine<State>, options: DriveOptions): Promise<AuthenticatedStream> {
  return new Promise((resolve, reject) => {
    let state = machine.start.state;
    let settled = false;

    const cleanup = (): void => {
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onEnd);
      // A late error (EPIPE after our farewell, a reset before the PeerLink listens) must not crash the core.
      socket.on('error', ignoreLateError);
    };
    const fail = (error: Error, farewell: readonly Frame[]): void => {
      cleanup();
      if (farewell.length > 0 && !socket.destroyed) {
        for (const frame of farewell) socket.write(encodeFrame(frame));
        socket.end();
        setTimeout(() => socket.destroy(), FAREWELL_MS).unref();
      } else {
        socket.destroy();
      }
      reject(error);
    };
    const apply = (step: HandshakeStep<State | HandshakeOutcome>, rest: readonly Frame[]): boolean => {
      state = step.state;
      if (!isOutcome(state)) {
        for (const frame of step.send) socket.write(encodeFrame(frame));
        return false;
      }
      const outcome: HandshakeOutcome = state;
      if (outcome.phase === 'failed') {
        fail(outcome.error, step.send);
        return true;
      }
      if (options.refuseEarlyFrames && (rest.length > 0 || options.decoder.bufferedBytes > 0)) {
        fail(new UnexpectedFrameError(rest[0]?.type ?? 'partial frame', 'the handshake had not finished'), [{ type: 'close', reason: 'protocol-error' }]);
        return true;
      }
      for (const frame of step.send) socket.write(encodeFrame(frame));
      cleanup();
      // Paused before the data listener goes, so nothing arrives while no one listens; the PeerLink resumes it.
      socket.pause();
      resolve({ socket, peer: outcome.peer, version: outcome.version, purpose: outcome.purpose, decoder: options.decoder, pending: rest });
      return true;
    };
    const onData = (chunk: Buffer): void => {
      // Thrown from a socket event, anything unexpected (the core's own check failing, say) would end the process.
      try {
        const frames = options.decoder.push(chunk);
        for (const [index, frame] of frames.entries()) {
          if (settled) return;
          if (apply(machine.receive(state, frame, options.now()), frames.slice(index + 1))) return;
        }
      } catch (error) {
        const failure = error instanceof ProtocolError ? error : new HandshakeConnectionError('The handshake could not be checked.', { cause: error });
        if (!settled) fail(failure, [{ type: 'close', reason: 'protocol-error' }]);
      }
    };
    const onEnd = (): void => fail(new HandshakeConnectionError('The stream closed during the handshake.'), []);
    const onError = (error: Error): void => fail(new HandshakeConnectionError('The stream failed during the handshake.', { cause: error }), []);
    // Timers and the clock can disagree by a millisecond; if the machine says "not yet", look again shortly.
    const onTimer = (): void => {
      if (!settled && !apply(machine.tick(state, options.now()), [])) timer = setTimeout(onTimer, 5);
    };
    let timer = setTimeout(onTimer, options.timeoutMs + 1);

    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onEnd);
    apply(machine.start, []);
  });
}

function ignoreLateError(): void {
  // The stream's new owner (a PeerLink) has its own listener; a dropped stream has nobody left to tell.
}

function isOutcome(state: { readonly phase: string }): state is HandshakeOutcome {
  return state.phase === 'authenticated' || state.phase === 'failed';
}
