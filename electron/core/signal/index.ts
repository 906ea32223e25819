// Public surface of the Signal layer: sessions with contacts, their record storage contract, and their errors.
export { verifyBinding } from './binding.js';
export {
  BindingError,
  BundleFormatError,
  DecryptionError,
  DuplicateMessageError,
  IdentityChangedError,
  NoIdentityChangeError,
  SessionError,
  SignalRecordError,
  StalePreKeyError,
  UnknownPeerError,
  UntrustedIdentityError,
  type BindingProblem,
  type BundleFormatProblem,
  type DecryptionProblem,
} from './errors.js';
export type { IdentityStatus } from './identity-record.js';
export { DEFAULT_PREKEY_POLICY, type PreKeyPolicy } from './prekey-issuer.js';
export { InMemorySignalRecordStore, SIGNAL_RECORD_KINDS, type SignalRecordKind, type SignalRecordStore } from './record-store.js';
export {
  SignalSessions,
  introductionPreKeyId,
  type PeerIdentity,
  type SignalCiphertext,
  type SignalIntroduction,
  type SignalSessionsOptions,
} from './signal-sessions.js';
