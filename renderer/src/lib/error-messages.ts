// Turns every error the core can return into words a person can act on.
import { ApiError, isApiErrorCode, type ApiErrorCode } from '../../../electron/shared/api/index.js';
import { assertNever } from '../../../electron/shared/assert-never.js';

/** What to tell the user for each code; `detail` is the core's message, used where it names the specific problem. */
export function describeApiError(code: ApiErrorCode, detail: string): string {
  switch (code) {
    case 'invalid-input':
      return `Please check what you entered: ${detail}`;
    case 'unknown-command':
      return 'This version of the app and its core do not match. Restart Allium; if it keeps happening, reinstall it.';
    case 'locked':
      return 'Your profile is locked. Unlock it with your password to continue.';
    case 'profile-not-found':
      return 'That profile no longer exists on this computer. Choose another profile or create a new one.';
    case 'wrong-password':
      return 'Wrong password. Check Caps Lock and try again.';
    case 'too-many-attempts':
      return `Too many wrong passwords in a row. To protect your profile, wait a little before trying again. ${detail}`.trim();
    case 'weak-password':
      return `This password is too easy to guess: ${detail}. Use a longer one, such as a few unrelated words.`;
    case 'invalid-address':
      return `That is not a valid onion address: ${detail}`;
    case 'own-address':
      return 'That is your own address. Enter the address of the person you want to talk to.';
    case 'already-contact':
      return 'This person is already in your contacts.';
    case 'contact-not-found':
      return 'This contact is no longer in your list. They may have been removed in another window.';
    case 'request-not-found':
      return 'This request is no longer waiting: it was already accepted, rejected or withdrawn.';
    case 'request-unusable':
      return `This request cannot be completed. ${detail}`;
    case 'message-not-found':
      return 'That message no longer exists, so it cannot be retried.';
    case 'blocked':
      return 'You blocked this contact. Unblock them first to exchange messages.';
    case 'rate-limited':
      return 'Too many requests in a short time. Wait a minute and try again.';
    case 'tor-unavailable':
      return 'Tor is not connected, so nothing can be sent right now. Check your internet connection, or add bridges in Settings → Tor if Tor is blocked where you are.';
    case 'identity-changed':
      return "This contact's safety number changed. Compare it with them before sending more messages.";
    case 'backup-wrong-passphrase':
      return 'The backup passphrase is wrong. Use the passphrase chosen when the backup was made.';
    case 'backup-damaged':
      return 'This backup file is damaged or is not an Allium backup. Try another copy of it.';
    case 'profile-in-use':
      return 'This profile is already open in another Allium window. Close it there first.';
    case 'storage-corrupt':
      return 'A file of your profile could not be read; it was set aside and nothing was overwritten. Restore it from a backup if something is missing.';
    case 'too-long':
      return `That is too long. ${detail}`.trim();
    case 'invalid-relay':
      return `That is not a relay address or invitation: ${detail}`;
    case 'relay-unreachable':
      return `The relay could not be reached through Tor. ${detail}`.trim();
    case 'relay-refused':
      return `The relay refused: ${detail}`;
    case 'relay-not-found':
      return 'That relay is not in your list any more.';
    case 'group-not-found':
      return 'This group is not in your list any more.';
    case 'not-allowed':
      return `Only the group's owner or an admin can do that. ${detail}`.trim();
    case 'not-member':
      return 'You are no longer a member of this group, so nothing can be sent to it.';
    case 'invalid-group-link':
      return `That is not a usable group link: ${detail}`;
    case 'name-taken':
      return `Another group already uses that public name on this relay. ${detail}`.trim();
    case 'invitation-not-found':
      return 'This invitation was already answered or withdrawn.';
    case 'file-too-large':
      return `That file is too large. ${detail}`.trim();
    case 'file-not-found':
      return 'This file is no longer here: it was cancelled, removed, or never fully received.';
    case 'file-damaged':
      return 'The file that arrived does not match what the sender offered, so it was refused and deleted. Ask them to send it again.';
    case 'disconnected':
      return 'The connection to Allium’s core was lost. Restart Allium; your data is safe.';
    case 'timeout':
      return 'Allium’s core is taking too long to answer. It may still finish: wait a moment and try again; if it keeps happening, restart Allium.';
    case 'internal':
      return `Something went wrong inside Allium (${detail}). Try again; if it keeps happening, restart Allium.`;
    default:
      return assertNever(code);
  }
}

/** Words for anything a command rejected with: API errors by code, anything else as an unexpected failure. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return describeApiError(error.code, error.message);
  if (isApiErrorPayload(error)) return describeApiError(error.code, error.message);
  const detail = error instanceof Error ? error.message : String(error);
  return describeApiError('internal', detail);
}

/** The code of an API error, or undefined for anything else. */
export function errorCode(error: unknown): ApiErrorCode | undefined {
  if (error instanceof ApiError || isApiErrorPayload(error)) return error.code;
  return undefined;
}

function isApiErrorPayload(value: unknown): value is { code: ApiErrorCode; message: string } {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return isApiErrorCode(record['code']) && typeof record['message'] === 'string';
}
