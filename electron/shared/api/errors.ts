// Error codes that cross the API boundary as { code, message }, each one something a UI can act on.

export const API_ERROR_CODES = [
  /** The command's input failed its schema; `message` names the field. */
  'invalid-input',
  /** No such command. */
  'unknown-command',
  /** The command needs an unlocked profile. */
  'locked',
  'profile-not-found',
  /** The profile is open in another Allium window or process. */
  'profile-in-use',
  'wrong-password',
  /** Too many wrong passwords: wait before trying again. */
  'too-many-attempts',
  'weak-password',
  'invalid-address',
  /** The address is the profile's own. */
  'own-address',
  'already-contact',
  'contact-not-found',
  'request-not-found',
  /** The request cannot be completed (damaged keys, or ours expired); `message` says why and what to do. */
  'request-unusable',
  'message-not-found',
  'blocked',
  'rate-limited',
  /** tor is not running or could not start. */
  'tor-unavailable',
  /** The contact's keys changed; the user must review the safety number before messaging. */
  'identity-changed',
  'backup-wrong-passphrase',
  'backup-damaged',
  /** A file of the profile could not be read; it was set aside. */
  'storage-corrupt',
  'too-long',
  /** The text is neither a relay's onion address nor a relay invitation. */
  'invalid-relay',
  /** A relay could not be reached through Tor. */
  'relay-unreachable',
  /** A relay refused (full, over quota, too many deposits); `message` says which. */
  'relay-refused',
  'relay-not-found',
  'group-not-found',
  /** Only the owner or an admin may do this in the group. */
  'not-allowed',
  /** We are not (or no longer) a member of the group. */
  'not-member',
  /** The group link is damaged, expired or not a group link. */
  'invalid-group-link',
  /** The public name is taken on that relay by another group. */
  'name-taken',
  'invitation-not-found',
  /** The file is larger than Allium sends or the receiver accepts. */
  'file-too-large',
  'file-not-found',
  /** The received bytes did not match the sender's hash: the file was refused and deleted. */
  'file-damaged',
  /** The connection to the core closed. */
  'disconnected',
  /** The core did not answer in time; it may still be working, or be stuck. */
  'timeout',
  'internal',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** How errors travel between processes: never a class, never a stack. */
export interface ApiErrorPayload {
  readonly code: ApiErrorCode;
  readonly message: string;
}

/** An error answered by the core, as seen by a caller. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }

  toPayload(): ApiErrorPayload {
    return { code: this.code, message: this.message };
  }
}

export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && (API_ERROR_CODES as readonly string[]).includes(value);
}
