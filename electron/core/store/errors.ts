// Named errors of the encrypted store, each with a stable code a UI can act on and a default message.

export type StoreErrorCode =
  | 'WEAK_PASSWORD'
  | 'WRONG_PASSWORD'
  | 'PROFILE_NOT_FOUND'
  | 'PROFILE_LOCKED'
  | 'PROFILE_IN_USE'
  | 'CORRUPT_FILE'
  | 'MISSING_FILE'
  | 'UNSUPPORTED_FORMAT'
  | 'WRONG_BACKUP_PASSPHRASE'
  | 'DAMAGED_BACKUP'
  | 'SEALED_FILE';

export abstract class StoreError extends Error {
  abstract readonly code: StoreErrorCode;
}

export class WeakPasswordError extends StoreError {
  readonly code = 'WEAK_PASSWORD';
  override readonly name = 'WeakPasswordError';
  constructor(readonly reason: string) {
    super(`The password is too weak: ${reason}`);
  }
}

export class WrongPasswordError extends StoreError {
  readonly code = 'WRONG_PASSWORD';
  override readonly name = 'WrongPasswordError';
  constructor(options?: ErrorOptions) {
    super('The password is not correct', options);
  }
}

export class ProfileNotFoundError extends StoreError {
  readonly code = 'PROFILE_NOT_FOUND';
  override readonly name = 'ProfileNotFoundError';
  constructor(readonly profileId: string) {
    super(`No profile with id ${profileId} on this machine`);
  }
}

export class ProfileLockedError extends StoreError {
  readonly code = 'PROFILE_LOCKED';
  override readonly name = 'ProfileLockedError';
  constructor() {
    super('The profile is locked: unlock it again to continue');
  }
}

export class ProfileInUseError extends StoreError {
  readonly code = 'PROFILE_IN_USE';
  override readonly name = 'ProfileInUseError';
  constructor(readonly pid: number) {
    super(`This profile is open in another Allium process (pid ${String(pid)}); close it there first`);
  }
}

/** A file that failed to decrypt or validate; it has been moved to `movedTo` when that is set. */
export class CorruptFileError extends StoreError {
  readonly code = 'CORRUPT_FILE';
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

export class MissingFileError extends StoreError {
  readonly code = 'MISSING_FILE';
  override readonly name = 'MissingFileError';
  constructor(readonly path: string) {
    super(`${path} is missing: restore this profile from a backup`);
  }
}

export class UnsupportedFormatError extends StoreError {
  readonly code = 'UNSUPPORTED_FORMAT';
  override readonly name = 'UnsupportedFormatError';
  constructor(
    readonly path: string,
    readonly version: number,
  ) {
    super(`${path} has format version ${String(version)}, which this version of Allium cannot read`);
  }
}

export class WrongBackupPassphraseError extends StoreError {
  readonly code = 'WRONG_BACKUP_PASSPHRASE';
  override readonly name = 'WrongBackupPassphraseError';
  constructor(options?: ErrorOptions) {
    super('The backup passphrase is not correct, or the backup file was altered', options);
  }
}

export class DamagedBackupError extends StoreError {
  readonly code = 'DAMAGED_BACKUP';
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
  readonly code = 'SEALED_FILE';
  override readonly name = 'SealedFileError';
  constructor(
    readonly problem: SealedFileProblem,
    options?: ErrorOptions,
  ) {
    super(`sealed data rejected: ${problem}`, options);
  }
}
