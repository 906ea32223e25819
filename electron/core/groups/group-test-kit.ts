// Real members for group tests and benches: an onion key, a Signal identity key pair, and the card binding them.
import { IdentityKeyPair } from '@signalapp/libsignal-client';
import { generateOnionKey, type OnionAddress, type OnionKey } from '../identity/index.js';
import { createBinding } from '../signal/binding.js';
import { InMemoryKeyValueStore } from './key-value-store.js';
import { signGroupCreation } from './group-ids.js';
import { RosterLog } from './roster-log.js';
import { signRosterOperation, type MemberCard, type RosterAction, type SignedRosterOperation } from './roster-operation.js';
import { GroupSenderKeys } from './sender-keys.js';

export interface TestMember {
  readonly name: string;
  readonly onionKey: OnionKey;
  readonly address: OnionAddress;
  readonly card: MemberCard;
  readonly senderKeys: GroupSenderKeys;
}

export function makeMember(name: string): TestMember {
  const onionKey = generateOnionKey();
  const signalIdentityKey = IdentityKeyPair.generate().publicKey.serialize();
  const card = { address: onionKey.address, signalIdentityKey, binding: createBinding(onionKey, signalIdentityKey) };
  return { name, onionKey, address: onionKey.address, card, senderKeys: new GroupSenderKeys(onionKey.address, new InMemoryKeyValueStore()) };
}

/** `author` signs `action` after the log's current heads. */
export function operationBy(author: TestMember, log: RosterLog, action: RosterAction): SignedRosterOperation {
  return signRosterOperation(author.onionKey, log.draft(action, 1_700_000_000_000));
}

/** A new group owned by `owner`, its creation accepted. */
export function newGroup(owner: TestMember, name = 'Climbing'): RosterLog {
  const creation = signGroupCreation(owner.onionKey, name, owner.card, 1_700_000_000_000);
  const log = new RosterLog(creation.operation.group);
  log.accept(creation);
  return log;
}
