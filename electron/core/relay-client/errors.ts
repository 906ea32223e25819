// Named errors of the relay client: every relay refusal and every failure to reach it, in words a person understands.
import { assertNever } from '../../shared/assert-never.js';
import type { RelayErrorCode } from '../../shared/relay-protocol/index.js';

/** What the core can map to its API codes and message states. */
export type RelayClientErrorCode =
  | 'relay-unreachable'
  | 'relay-full'
  | 'relay-quota'
  | 'relay-rate-limited'
  | 'relay-capability'
  | 'relay-queue-gone'
  | 'relay-blob-gone'
  | 'relay-auth'
  | 'relay-refused'
  | 'relay-name-taken'
  | 'relay-failed'
  | 'relay-protocol';

export abstract class RelayError extends Error {
  abstract readonly code: RelayClientErrorCode;
  /** The relay's own code, when it answered with a refusal. */
  readonly relayCode: RelayErrorCode | undefined;

  constructor(message: string, relayCode?: RelayErrorCode, options?: ErrorOptions) {
    super(message, options);
    this.relayCode = relayCode;
  }
}

/** The relay could not be reached: tor is down, the relay is offline, or the connection broke. */
export class RelayUnreachableError extends RelayError {
  override readonly name = 'RelayUnreachableError';
  readonly code = 'relay-unreachable';
}

/** The relay as a whole is out of room and takes no deposits for now. */
export class RelayFullError extends RelayError {
  override readonly name = 'RelayFullError';
  readonly code = 'relay-full';
}

/** One mailbox is out of room (too many envelopes or bytes held), or has too many capabilities. */
export class RelayQuotaError extends RelayError {
  override readonly name = 'RelayQuotaError';
  readonly code = 'relay-quota';
}

/** Too many requests: this capability's deposits, or fetches waiting. `retryAfterMs` says when to try again. */
export class RelayRateLimitError extends RelayError {
  override readonly name = 'RelayRateLimitError';
  readonly code = 'relay-rate-limited';
  constructor(
    message: string,
    relayCode: RelayErrorCode,
    readonly retryAfterMs: number,
  ) {
    super(message, relayCode);
  }
}

/** The deposit capability is missing, malformed, revoked or from another relay. */
export class RelayCapabilityError extends RelayError {
  override readonly name = 'RelayCapabilityError';
  readonly code = 'relay-capability';
}

/** The mailbox no longer exists on the relay. */
export class RelayQueueGoneError extends RelayError {
  override readonly name = 'RelayQueueGoneError';
  readonly code = 'relay-queue-gone';
}

/** The blob is not on the relay: it expired, its uploader deleted it, or the read capability is wrong. */
export class RelayBlobGoneError extends RelayError {
  override readonly name = 'RelayBlobGoneError';
  readonly code = 'relay-blob-gone';
}

/** The relay did not accept the queue key's signature (wrong key, or this computer's clock is off). */
export class RelayAuthError extends RelayError {
  override readonly name = 'RelayAuthError';
  readonly code = 'relay-auth';
}

/** The relay refused the request as malformed or conflicting: a bug on one side, or an envelope id reused. */
export class RelayRequestError extends RelayError {
  override readonly name = 'RelayRequestError';
  readonly code = 'relay-refused';
}

/** The group name is registered in this relay's directory by another owner (or the listing is not this owner's). */
export class RelayNameTakenError extends RelayError {
  override readonly name = 'RelayNameTakenError';
  readonly code = 'relay-name-taken';
}

/** The relay answered something this client does not understand, or failed inside. */
export class RelayFailedError extends RelayError {
  override readonly name = 'RelayFailedError';
  readonly code = 'relay-failed';
}

/**
 * The relay's answer breaks the protocol in a way no honest relay's would: a range other than the one asked, an answer
 * longer than its kind allows, a blob of another size than offered. Trying again at the same relay will not help.
 */
export class RelayProtocolError extends RelayError {
  override readonly name = 'RelayProtocolError';
  readonly code = 'relay-protocol';
}

/** A directory listing or removal that does not parse, or whose signature is not its owner's. */
export class DirectoryListingError extends Error {
  override readonly name = 'DirectoryListingError';
  constructor(
    readonly reason: 'malformed' | 'signature',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The error for a refusal the relay sent, with words for the person first and the relay's own words after. */
export function refusalError(code: RelayErrorCode, relayMessage: string, retryAfterSeconds: number | undefined): RelayError {
  const said = ` (the relay said: ${relayWords(relayMessage)})`;
  switch (code) {
    case 'relay-full':
      return new RelayFullError(`The relay is full and takes no messages for now${said}.`, code);
    case 'queue-full':
      return new RelayQuotaError(`This mailbox on the relay is full: its owner has not collected the messages it holds${said}.`, code);
    case 'blob-quota':
      return new RelayQuotaError(`This mailbox's files on the relay have reached their quota${said}.`, code);
    case 'blob-not-found':
      return new RelayBlobGoneError(`The file is no longer on the relay: it expired or was deleted${said}.`, code);
    case 'too-many-capabilities':
      return new RelayQuotaError(`This mailbox has handed out as many deposit capabilities as the relay allows${said}.`, code);
    case 'too-many-listings':
      return new RelayQuotaError(`This identity already lists as many groups in the relay's directory as it allows${said}.`, code);
    case 'directory-full':
      return new RelayQuotaError(`The relay's group directory is full and takes no new names for now${said}.`, code);
    case 'name-taken':
    case 'not-listing-owner':
      return new RelayNameTakenError(`Another group already has this name on the relay${said}.`, code);
    case 'listing-outdated':
      return new RelayRequestError(`The relay holds a newer version of this listing: check this computer's clock${said}.`, code);
    case 'listing-not-found':
      return new RelayRequestError(`The relay's directory has no group of this name${said}.`, code);
    case 'rate-limited':
    case 'too-many-waiting':
      return new RelayRateLimitError(`The relay asks to slow down; try again in a moment${said}.`, code, (retryAfterSeconds ?? 5) * 1_000);
    case 'capability-missing':
    case 'capability-invalid':
      return new RelayCapabilityError(`The relay does not accept this mailbox's deposit capability: it was revoked or belongs to another relay${said}.`, code);
    case 'queue-not-found':
      return new RelayQueueGoneError(`This mailbox no longer exists on the relay${said}.`, code);
    case 'signature-stale':
      return new RelayAuthError(`The relay refused the request as too old or too new: check this computer's clock${said}.`, code);
    case 'signature-missing':
    case 'signature-invalid':
      return new RelayAuthError(`The relay did not accept this mailbox's key${said}.`, code);
    case 'malformed-request':
    case 'invalid-json':
    case 'not-found':
    case 'method-not-allowed':
    case 'envelope-conflict':
    case 'body-too-large':
    case 'body-not-padded':
    case 'blob-offset-mismatch':
    case 'blob-incomplete':
    case 'blob-too-large':
    case 'range-not-satisfiable':
    case 'proof-required':
      return new RelayRequestError(`The relay refused the request${said}.`, code);
    case 'internal-error':
      return new RelayFailedError(`The relay failed while handling the request${said}.`, code);
    default:
      return assertNever(code);
  }
}

/** At most this many characters of a relay's own words are kept in an error (they are shown and may be stored). */
export const RELAY_WORDS_MAX = 200;

/** A relay's words as they may be shown: controls and invisible formatting as spaces, runs of space as one, cut to RELAY_WORDS_MAX. */
export function relayWords(text: string): string {
  const plain = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ').replace(/\s+/g, ' ').trim();
  const characters = [...plain];
  return characters.length <= RELAY_WORDS_MAX ? plain : `${characters.slice(0, RELAY_WORDS_MAX - 1).join('')}…`;
}
