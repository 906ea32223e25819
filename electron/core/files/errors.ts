// Named errors of file transfer, each with a stable code a UI can act on and a message a person understands.

export type FileErrorCode =
  | 'invalid-input'
  | 'file-damaged'
  | 'file-hash-mismatch'
  | 'storage-corrupt'
  | 'transfer-cancelled'
  | 'transfer-interrupted'
  | 'transfer-protocol'
  | 'source-changed';

export abstract class FileError extends Error {
  abstract readonly code: FileErrorCode;
}

/** Arguments no caller should pass (a key of the wrong length, an index past the end): a bug or hostile input. */
export class InvalidFileArgumentError extends FileError {
  readonly code = 'invalid-input';
  override readonly name = 'InvalidFileArgumentError';
  constructor(readonly reason: string) {
    super(`Invalid file transfer argument: ${reason}`);
  }
}

/** The stream of records ended before the record marked last: the file was cut short. */
export class TruncatedFileError extends FileError {
  readonly code = 'file-damaged';
  override readonly name = 'TruncatedFileError';
  constructor(
    readonly receivedRecords: number,
    readonly expectedRecords: number,
  ) {
    super(`The file was cut short: ${String(receivedRecords)} of ${String(expectedRecords)} parts arrived`);
  }
}

/** A record came with an index other than the next one expected: records were dropped, reordered or replayed. */
export class RecordOutOfOrderError extends FileError {
  readonly code = 'file-damaged';
  override readonly name = 'RecordOutOfOrderError';
  constructor(
    readonly index: number,
    readonly expected: number,
  ) {
    super(`Part ${String(index)} of the file arrived where part ${String(expected)} was expected`);
  }
}

/** A record whose index was already accepted: a replay. */
export class DuplicateRecordError extends FileError {
  readonly code = 'file-damaged';
  override readonly name = 'DuplicateRecordError';
  constructor(readonly index: number) {
    super(`Part ${String(index)} of the file arrived twice`);
  }
}

/**
 * A record that fails authentication: a flipped bit, a record of another file or under another key, or one
 * moved to another position or falsely marked (not) last. The cases are indistinguishable by design.
 */
export class RecordAuthenticationError extends FileError {
  readonly code = 'file-damaged';
  override readonly name = 'RecordAuthenticationError';
  constructor(
    readonly index: number,
    options?: ErrorOptions,
  ) {
    super(`Part ${String(index)} of the file was altered or does not belong to this file`, options);
  }
}

/** A record with more data after the record marked last, or a record of the wrong length. */
export class MalformedRecordError extends FileError {
  readonly code = 'file-damaged';
  override readonly name = 'MalformedRecordError';
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(`Part ${String(index)} of the file is malformed: ${reason}`);
  }
}

/** The whole received file does not hash to the value in the offer; the partial file has been deleted. */
export class FileHashMismatchError extends FileError {
  readonly code = 'file-hash-mismatch';
  override readonly name = 'FileHashMismatchError';
  constructor(
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(`The received file does not match what was offered (SHA-256 ${actualSha256}, expected ${expectedSha256}); it was deleted`);
  }
}

/** The durable record of a partial download is unreadable or belongs to another file; it is not trusted. */
export class CorruptProgressError extends FileError {
  readonly code = 'storage-corrupt';
  override readonly name = 'CorruptProgressError';
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`The download progress in ${path} is damaged (${reason}); the download must start over`, options);
  }
}
