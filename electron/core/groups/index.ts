// Public surface of groups: the signed roster log, its roster, and Signal sender keys per key epoch.
export * from './errors.js';
export { distributionIdFor, groupIdFor, signGroupCreation } from './group-ids.js';
export { InMemoryKeyValueStore, type KeyValueStore } from './key-value-store.js';
export { dedupKeyString, type GroupMessageKey } from './replay-guard.js';
export { revocationBy, type GroupRole, type Revocation, type Roster, type RosterMember } from './roster.js';
export { foldRoster, MAX_LOG_BYTES, MAX_LOG_OPERATIONS, RosterLog, type AcceptOptions, type RosterFold, type SkippedOperation } from './roster-log.js';
export {
  decodeRosterOperation,
  signRosterOperation,
  type GrantedRole,
  type MemberCard,
  type RosterAction,
  type RosterOperation,
  type RosterOperationDraft,
  type SignedRosterOperation,
} from './roster-operation.js';
export { GroupSenderKeys, type ReceivedGroupMessage, type SenderKeyDistribution } from './sender-keys.js';
