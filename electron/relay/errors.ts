// Named errors of the relay server: a refusal carries its wire code; the others are the operator's problems.
import { RELAY_ERROR_STATUS, type RelayErrorCode } from '../shared/relay-protocol/index.js';

/** A request the relay refuses: answered with the code's HTTP status and `{ error: code, message }`. */
export class RelayRefusal extends Error {
  override readonly name = 'RelayRefusal';
  constructor(
    readonly code: RelayErrorCode,
    message: string,
    /** Seconds after which trying again may succeed (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
    /** Headers that tell the client how to go on (where an upload stands). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  get status(): number {
    return RELAY_ERROR_STATUS[this.code];
  }
}

/** The relay's data directory or database cannot be used. */
export class RelayStorageError extends Error {
  override readonly name = 'RelayStorageError';
}

/** The relay was started with options that cannot work (a bad number, a missing folder). */
export class RelayConfigError extends Error {
  override readonly name = 'RelayConfigError';
}
