// Named errors of moving a file over its own stream: cancelled, interrupted (resumable), a peer breaking the protocol, a changed source.
import { FileError } from '../errors.js';
import type { CancelReason } from './transfer-frames.js';

/** The transfer was cancelled, here (`by: 'local'`) or by the other side; it will not resume by itself. */
export class TransferCancelledError extends FileError {
  readonly code = 'transfer-cancelled';
  override readonly name = 'TransferCancelledError';
  constructor(
    readonly by: 'local' | 'peer',
    readonly reason: CancelReason,
  ) {
    super(by === 'local' ? 'The file transfer was cancelled here' : `The other side stopped the file transfer (${reason})`);
  }
}

/** The stream ended or went quiet before the file was complete; what arrived is kept and the next attempt resumes. */
export class TransferInterruptedError extends FileError {
  readonly code = 'transfer-interrupted';
  override readonly name = 'TransferInterruptedError';
  constructor(reason: string, options?: ErrorOptions) {
    super(`The file transfer was interrupted (${reason}); it resumes where it stopped on the next attempt`, options);
  }
}

/** The other side sent bytes that are not a transfer frame, or a frame out of place; the stream was closed. */
export class TransferProtocolError extends FileError {
  readonly code = 'transfer-protocol';
  override readonly name = 'TransferProtocolError';
  constructor(readonly reason: string, options?: ErrorOptions) {
    super(`The file stream broke the transfer protocol: ${reason}`, options);
  }
}

/** The plaintext file no longer matches the size or SHA-256 offered: sealing it again under the same key is refused. */
export class FileSourceChangedError extends FileError {
  readonly code = 'source-changed';
  override readonly name = 'FileSourceChangedError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`The file ${path} changed since it was offered (${reason}); offer it again as a new file`);
  }
}
