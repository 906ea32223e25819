// Data shapes the core sends to the UI: plain JSON, no classes, no secrets.
import type { FileDto } from './file-dto.js';
import type { GroupDeliveryDto } from './group-dto.js';

export type Presence = 'available' | 'away' | 'busy';
export type Reachability = 'publishing' | 'reachable' | 'offline';
/** `held`: a relay holds it for the contact (see `heldUntil`) until they fetch it. */
export type MessageState = 'queued' | 'sent' | 'held' | 'delivered' | 'failed';
export type Theme = 'light' | 'dark' | 'system';
/** What happens to a message for a contact who is offline: kept here until they are back, or left at their relay mailbox. */
export type DeliveryChoice = 'hold' | 'relay';

export interface ProfileSummary {
  readonly id: string;
  /** Shown on the sign-in screen; chosen by the user, not secret (the nickname is). */
  readonly label: string;
  readonly createdAt: string;
}

export interface TorStatusDto {
  readonly state: 'stopped' | 'starting' | 'running' | 'restarting' | 'stopping';
  /** 0–100 */
  readonly progress: number;
  /** tor's words for the phase, e.g. "Loading relay descriptors". */
  readonly summary: string;
  readonly problem?: { readonly reason: string; readonly warning: string; readonly advice: string };
  readonly networkUp?: boolean;
  readonly clockAdvice?: string;
  readonly lastError?: string;
  /** Tor refused the bridges or options from Settings (its words) and runs without them until they are corrected. */
  readonly settingsRefused?: string;
}

export interface IdentityDto {
  /** 56 characters, without .onion */
  readonly address: string;
  readonly nickname: string;
  readonly reachability: Reachability;
  /** What to send a friend: the address with .onion. */
  readonly shareText: string;
}

export interface PresenceDto {
  readonly status: Presence;
  /** Up to 140 characters. */
  readonly text: string;
}

export interface ContactDto {
  readonly address: string;
  /** The name this user gave the contact. */
  readonly nickname: string;
  /** The name the contact gave themselves, if they told us. */
  readonly theirNickname?: string;
  readonly online: boolean;
  readonly presence?: PresenceDto;
  readonly typing: boolean;
  readonly verified: boolean;
  /** The contact's keys changed since they were trusted: messaging waits for review. */
  readonly identityChanged: boolean;
  readonly blocked: boolean;
  /** Waiting for them to accept our request. */
  readonly pending: boolean;
  readonly unread: number;
  readonly lastMessage?: { readonly text: string; readonly at: string; readonly direction: 'in' | 'out' };
  /** This contact's own choice for messages while they are offline; absent: the profile's default. */
  readonly delivery?: DeliveryChoice;
  /** The choice in force: `delivery`, or the profile's default. */
  readonly effectiveDelivery: DeliveryChoice;
  /** The relay where we may leave messages for them (they opened a mailbox there for us); absent: none. */
  readonly theirRelay?: string;
  /** The relay of ours where they may leave messages for us; absent: none yet. */
  readonly myRelay?: string;
}

export interface ContactRequestDto {
  readonly id: string;
  readonly address: string;
  readonly nickname: string;
  readonly message: string;
  readonly receivedAt: string;
}

export interface MessageDto {
  readonly id: string;
  /** The contact's address (the conversation with them), or a group's id (32 hex digits). */
  readonly conversation: string;
  /** In a group: who wrote it (for our own messages, us). */
  readonly sender?: { readonly address: string; readonly name: string };
  /** Our group messages: how many of the members it went to have stored it. */
  readonly delivery?: GroupDeliveryDto;
  /** A message that carries a file (its `text` is then empty or a caption). */
  readonly file?: FileDto;
  readonly direction: 'in' | 'out';
  readonly text: string;
  readonly sentAt: string;
  readonly state: MessageState;
  /** While `held`: when the relay drops it if the contact has not fetched it (ms since epoch). */
  readonly heldUntil?: number;
  /** Why a message failed, when it did. */
  readonly error?: string;
}

export interface HistoryPageDto {
  /** Newest first. */
  readonly messages: readonly MessageDto[];
  /** Pass as `before` to get older messages; absent at the start of the conversation. */
  readonly nextCursor?: string;
}

export interface SafetyNumberDto {
  readonly address: string;
  /** 60 digits in 12 groups of 5, as Signal shows them. */
  readonly digits: string;
  readonly verified: boolean;
}

export interface SettingsDto {
  readonly notifications: { readonly enabled: boolean; readonly showContent: boolean };
  readonly theme: Theme;
  /** Bridge lines, e.g. "obfs4 192.0.2.1:443 FINGERPRINT cert=… iat-mode=0". */
  readonly bridges: readonly string[];
  /** Extra torrc lines. */
  readonly torOptions: readonly string[];
  /** For contacts without their own choice: what happens to a message while they are offline. */
  readonly defaultDelivery: DeliveryChoice;
  /** Files up to this size are received without asking (bytes; 0: always ask). */
  readonly autoAcceptBytes: number;
  /** Where `files.save` puts files. */
  readonly downloadsDir: string;
}

/** One of my relays: where my contacts may leave messages for me while I am offline. */
export interface RelayDto {
  /** 56 characters, without .onion */
  readonly address: string;
  /** What to give someone so they can use this relay too. */
  readonly invitation: string;
  readonly addedAt: string;
  readonly reachability: 'checking' | 'reachable' | 'unreachable';
  /** When reachability was last checked. */
  readonly checkedAt?: string;
  /** Why the relay could not be used, in words. */
  readonly problem?: string;
  /** How many contacts have a mailbox on it. */
  readonly mailboxes: number;
}

export interface SessionDto {
  readonly profile: ProfileSummary;
  readonly identity: IdentityDto;
}

export interface PasswordStrengthDto {
  readonly ok: boolean;
  readonly reason?: string;
  /** 0 (weak) – 4 (strong). */
  readonly score: number;
}

export interface BackupDto {
  readonly fileName: string;
  /** The encrypted backup file, base64. */
  readonly data: string;
}
