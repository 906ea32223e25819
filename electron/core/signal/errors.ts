// Named errors of the Signal layer: each says what went wrong with which peer, and keeps the libsignal error as `cause`.

/** Why a binding between an onion address and a Signal identity key was refused. */
export type BindingProblem = 'signature' | 'bundle-identity';

/** The Signal identity key presented for a peer is not bound to that peer's onion address: refused before any session. */
export class BindingError extends Error {
  override readonly name = 'BindingError';
  readonly peerAddress: string;
  readonly reason: BindingProblem;

  constructor(peerAddress: string, reason: BindingProblem) {
    super(
      reason === 'signature'
        ? `The Signal identity key presented for ${peerAddress} is not signed by that onion address's key`
        : `The prekey bundle presented for ${peerAddress} belongs to another Signal identity key than the one bound to the address`,
    );
    this.peerAddress = peerAddress;
    this.reason = reason;
  }
}

/** Why bytes are not a valid prekey bundle. */
export type BundleFormatProblem = 'too-large' | 'truncated' | 'version' | 'length' | 'trailing' | 'key' | 'signature';

/** Bytes that claim to be a prekey bundle are not one: hostile or damaged input, refused whole. */
export class BundleFormatError extends Error {
  override readonly name = 'BundleFormatError';
  readonly reason: BundleFormatProblem;

  constructor(reason: BundleFormatProblem, detail: string, options?: { cause?: unknown }) {
    super(`Invalid prekey bundle (${reason}): ${detail}`, options);
    this.reason = reason;
  }
}

/**
 * A peer presented a Signal identity key other than the one trusted for it. The new key is recorded as pending and
 * nothing is encrypted to it or accepted from it until the user approves with `acceptIdentityChange`.
 */
export class IdentityChangedError extends Error {
  override readonly name = 'IdentityChangedError';
  readonly peerAddress: string;

  constructor(peerAddress: string) {
    super(`The Signal identity key of ${peerAddress} has changed; it is not trusted until you accept the change`);
    this.peerAddress = peerAddress;
  }
}

/** libsignal refused an identity key the trusted record does not match (e.g. a message from a replaced session). */
export class UntrustedIdentityError extends Error {
  override readonly name = 'UntrustedIdentityError';
  readonly peerAddress: string;

  constructor(peerAddress: string, options?: { cause?: unknown }) {
    super(`The Signal identity key used by ${peerAddress} is not the trusted one`, options);
    this.peerAddress = peerAddress;
  }
}

/** An operation needs what we know about a peer (a trusted identity, a session) and we know nothing yet. */
export class UnknownPeerError extends Error {
  override readonly name = 'UnknownPeerError';
  readonly peerAddress: string;
  readonly missing: 'identity' | 'session';

  constructor(peerAddress: string, missing: 'identity' | 'session', options?: { cause?: unknown }) {
    super(
      missing === 'identity'
        ? `No Signal identity is known for ${peerAddress}`
        : `No Signal session exists with ${peerAddress}; start one from their prekey bundle first`,
      options,
    );
    this.peerAddress = peerAddress;
    this.missing = missing;
  }
}

/** `acceptIdentityChange` was called for a peer whose identity has not changed. */
export class NoIdentityChangeError extends Error {
  override readonly name = 'NoIdentityChangeError';
  readonly peerAddress: string;

  constructor(peerAddress: string) {
    super(`The Signal identity of ${peerAddress} has no pending change to accept`);
    this.peerAddress = peerAddress;
  }
}

/** Why a ciphertext was not decrypted. */
export type DecryptionProblem = 'malformed' | 'rejected';

/** A ciphertext could not be decrypted; the session is unchanged and later messages still decrypt. */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  readonly peerAddress: string;
  readonly reason: DecryptionProblem;

  constructor(peerAddress: string, reason: DecryptionProblem, options?: { cause?: unknown }) {
    super(
      reason === 'malformed'
        ? `A Signal message from ${peerAddress} is malformed`
        : `A Signal message from ${peerAddress} failed to decrypt or authenticate`,
      options,
    );
    this.peerAddress = peerAddress;
    this.reason = reason;
  }
}

/** A ciphertext was decrypted before: the caller drops it (delivery is at-least-once, the user sees it once). */
export class DuplicateMessageError extends Error {
  override readonly name = 'DuplicateMessageError';
  readonly peerAddress: string;

  constructor(peerAddress: string, options?: { cause?: unknown }) {
    super(`A Signal message from ${peerAddress} was already received`, options);
    this.peerAddress = peerAddress;
  }
}

/** A stored Signal record does not decode: the store is damaged, and the record is left as it is for inspection. */
export class SignalRecordError extends Error {
  override readonly name = 'SignalRecordError';
  readonly kind: string;
  readonly key: string;

  constructor(kind: string, key: string, options?: { cause?: unknown }) {
    super(`The stored Signal ${kind} record '${key}' is damaged`, options);
    this.kind = kind;
    this.key = key;
  }
}

/** libsignal asked for a prekey we no longer hold: used already, or pruned because it was too old. */
export class PreKeyNotFoundError extends Error {
  override readonly name = 'PreKeyNotFoundError';
  readonly kind: 'prekey' | 'signed-prekey' | 'kyber-prekey';
  readonly id: number;

  constructor(kind: 'prekey' | 'signed-prekey' | 'kyber-prekey', id: number) {
    super(`No ${kind} with id ${id} is held: it was used already or pruned`);
    this.kind = kind;
    this.id = id;
  }
}

/**
 * A peer's first message was made from a prekey bundle of ours whose keys are gone: pruned because the request that
 * carried it waited too long, or used already by an earlier session. No message from that session can be read; the
 * peer needs a fresh introduction from us.
 */
export class StalePreKeyError extends Error {
  override readonly name = 'StalePreKeyError';
  readonly peerAddress: string;
  /** The one-time prekey the answer names (null if none), to tell which introduction of ours it answers. */
  readonly preKeyId: number | null;

  constructor(peerAddress: string, preKeyId: number | null, options?: { cause?: unknown }) {
    super(`${peerAddress} answered an introduction of ours whose one-time keys are no longer held; it needs a new one`, options);
    this.peerAddress = peerAddress;
    this.preKeyId = preKeyId;
  }
}

/** libsignal refused to build a session from a checked bundle, or to encrypt on an existing session. */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  readonly peerAddress: string;
  readonly operation: 'start' | 'encrypt';

  constructor(peerAddress: string, operation: 'start' | 'encrypt', options?: { cause?: unknown }) {
    super(
      operation === 'start' ? `Signal could not start a session with ${peerAddress}` : `Signal could not encrypt for ${peerAddress}`,
      options,
    );
    this.peerAddress = peerAddress;
    this.operation = operation;
  }
}
