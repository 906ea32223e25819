// Named errors of the encrypted store, each with a stable code a UI can act on and a default message.

/** Where the API contract (electron/shared/api/errors.ts) has a code for the situation, it is the same string. */
export type StoreErrorCode =
  | 'invalid-input'
  | 'weak-password'
  | 'wrong-password'
  | 'too-many-attempts'
  | 'profile-not-found'
  | 'locked'
  | 'profile-in-use'
  | 'storage-corrupt'
  | 'storage-unsupported'
  | 'backup-wrong-passphrase'
  | 'backup-damaged'
  | 'internal';

export abstract class StoreError extends Error {
  abstract readonly code: StoreErrorCode;
}

export class WeakPasswordError extends StoreError {
  readonly code = 'weak-password';
  override readonly name = 'WeakPasswordError';
  constructor(readonly reason: string) {
    super(`The password is too weak: ${reason}`);
  }
}

export class WrongPasswordError extends StoreError {
  readonly code = 'wrong-password';
  override readonly name = 'WrongPasswordError';
  constructor(options?: ErrorOptions) {
    super('The password is not correct', options);
  }
}

export class TooManyAttemptsError extends StoreError {
  readonly code = 'too-many-attempts';
  override readonly name = 'TooManyAttemptsError';
  constructor(readonly retryAfterMs: number) {
    super(`Too many wrong passwords: try again in ${String(Math.ceil(retryAfterMs / 1000))} s`);
  }
}

export class ProfileNotFoundError extends StoreError {
  readonly code = 'profile-not-found';
  override readonly name = 'ProfileNotFoundError';
  constructor(readonly profileId: string) {
    super(`No profile with id ${profileId} on this machine`);
  }
}

export class ProfileLockedError extends StoreError {
  readonly code = 'locked';
  override readonly name = 'ProfileLockedError';
  constructor() {
    super('The profile is locked: unlock it again to continue');
  }
}

export class ProfileInUseError extends StoreError {
  readonly code = 'profile-in-use';
  override readonly name = 'ProfileInUseError';
  constructor(readonly pid: number) {
    super(`This profile is open in another Allium process (pid ${String(pid)}); close it there first`);
  }
}

/** A file that failed to decrypt or validate; it has been moved to `movedTo` when that is set. */
export class CorruptFileError extends StoreError {
  readonly code = 'storage-corrupt';
  override readonly name = 'CorruptFileError';
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly movedTo: string | undefined,
    options?: ErrorOptions,
  ) {
    super(`${path} is damaged (${reason})${movedTo === undefined ? '' : `; it was kept aside as ${movedTo}`}`, options);
  }
}

/** A `before` cursor the history never handed out (a typo, a forged or a mangled value): refused before any reading. */
export class InvalidHistoryCursorError extends StoreError {
  readonly code = 'invalid-input';
  override readonly name = 'InvalidHistoryCursorError';
  constructor(
    readonly cursor: string,
    readonly reason: string,
  ) {
    super(`before: "${cursor.slice(0, 40)}" is not a position in this conversation's history (${reason}); ask for the newest page again`);
  }
}

/** A search query the store will not run: too long, or too many words. */
export class InvalidSearchError extends StoreError {
  readonly code = 'invalid-input';
  override readonly name = 'InvalidSearchError';
  constructor(readonly reason: string) {
    super(`The search cannot be run: ${reason}`);
  }
}

/** A page size that is not a whole number of messages, at least one. */
export class InvalidPageSizeError extends StoreError {
  readonly code = 'invalid-input';
  override readonly name = 'InvalidPageSizeError';
  constructor(readonly limit: number) {
    super(`limit: a page holds a whole number of messages, at least 1 (got ${String(limit)})`);
  }
}

/** A write that would have stored a document its own schema rejects: refused, the file keeps its last good content. */
export class InvalidDocumentError extends StoreError {
  readonly code = 'internal';
  override readonly name = 'InvalidDocumentError';
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(`Refused to write ${path}: the document does not match its schema (a bug; nothing was lost)`, options);
  }
}

export class MissingFileError extends StoreError {
  readonly code = 'storage-corrupt';
  override readonly name = 'MissingFileError';
  constructor(readonly path: string) {
    super(`${path} is missing: restore this profile from a backup`);
  }
}

export class UnsupportedFormatError extends StoreError {
  readonly code = 'storage-unsupported';
  override readonly name = 'UnsupportedFormatError';
  constructor(
    readonly path: string,
    readonly version: number,
  ) {
    super(`${path} has format version ${String(version)}, which this version of Allium cannot read`);
  }
}

export class WrongBackupPassphraseError extends StoreError {
  readonly code = 'backup-wrong-passphrase';
  override readonly name = 'WrongBackupPassphraseError';
  constructor(options?: ErrorOptions) {
    super('The backup passphrase is not correct, or the backup file was altered', options);
  }
}

export class DamagedBackupError extends StoreError {
  readonly code = 'backup-damaged';
  override readonly name = 'DamagedBackupError';
  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`The backup file is damaged or not an Allium backup (${reason})`, options);
  }
}

export type SealedFileProblem = 'too-short' | 'bad-magic' | 'unsupported-version' | 'authentication-failed';

/** Raised by the sealed-file decoder; callers that know the file's path turn it into a CorruptFileError. */
export class SealedFileError extends StoreError {
  readonly code = 'storage-corrupt';
  override readonly name = 'SealedFileError';
  constructor(
    readonly problem: SealedFileProblem,
    options?: ErrorOptions,
  ) {
    super(`sealed data rejected: ${problem}`, options);
  }
}
