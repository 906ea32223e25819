// Public surface of the encrypted store: profiles, sealed state, history and backups.
import { ProfileStore, type ProfileStoreOptions } from './profile-store.js';

export function createProfileStore(options: ProfileStoreOptions): ProfileStore {
  return new ProfileStore(options);
}

export type { ProfileStore, ProfileStoreOptions, CreateProfileOptions, ImportBackupOptions, ProfileListing, UnreadableProfile } from './profile-store.js';
export type { ProfileSession, ProfileSummary, ExportBackupOptions } from './profile-session.js';
export type { ProfileState, Identity, Contact, ContactRequest, OutboxEntry, Relay, Mailbox, Group, GroupInvitation, GroupJoinRequest, StoredFile } from './profile-state.js';
export { newContact } from './profile-state.js';
export type { ContactPatch, StateMutators } from './state-mutators.js';
export { StateSignalRecords } from './signal-records.js';
export { StateGroupKeys } from './group-key-records.js';
export type { FileProblem, Settings } from './state-schema.js';
export type { ConversationHistory, HistoryCursor, HistoryPage } from './history/conversation-history.js';
export type { FoundMessage, SearchMatch, SearchOptions } from './history/history-store.js';
export type { HistoryMessage } from './history/history-message.js';
export type { ScryptParams } from './kdf.js';
export type { UnlockThrottleOptions } from './unlock-throttle.js';
export { DEFAULT_SCRYPT_PARAMS, tuneScrypt } from './kdf.js';
export { checkPasswordStrength, type PasswordStrength } from './password-strength.js';
export * from './errors.js';
