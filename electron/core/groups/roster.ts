// A group's roster (name, members with roles, key epoch) and who may write which operation, judged by the roster its author saw.
import { verifyBinding } from '../signal/binding.js';
import {
  AuthorNotAllowedError,
  AuthorNotMemberError,
  BrokenChainError,
  InvalidMemberBindingError,
  InvalidRosterChangeError,
  UnknownGroupError,
} from './errors.js';
import { groupIdFor } from './group-ids.js';
import type { MemberCard, SignedRosterOperation } from './roster-operation.js';

export type GroupRole = 'owner' | 'admin' | 'member';

export interface RosterMember extends MemberCard {
  readonly role: GroupRole;
}

export interface Roster {
  readonly groupId: string;
  readonly name: string;
  readonly members: ReadonlyMap<string, RosterMember>;
  /**
   * Changes whenever a member goes (removed or left): hex SHA-256 over the creation and the set of departures, each
   * an address and the operation that had admitted it (docs/groups.md, "Key epochs"). Sender keys belong to one
   * epoch, so a removed member holds none of the next one.
   */
  readonly keyEpoch: string;
}

export function checkBinding(operationHash: string, card: MemberCard): void {
  try {
    verifyBinding(card.address, card.signalIdentityKey, card.binding);
  } catch {
    throw new InvalidMemberBindingError(operationHash, card.address);
  }
}

function checkCreation(signed: SignedRosterOperation, allowUncommitted: boolean): void {
  const { operation, hash } = signed;
  if (operation.action.kind !== 'create') throw new BrokenChainError(hash, 'no-create');
  if (operation.parents.length > 0) throw new BrokenChainError(hash, 'create-has-parents');
  const { owner, nonce } = operation.action;
  if (owner.address !== operation.author) throw new InvalidRosterChangeError(hash, 'owner-not-author', owner.address);
  if (nonce === undefined && !allowUncommitted) throw new InvalidRosterChangeError(hash, 'uncommitted-create', operation.author);
  if (nonce !== undefined && groupIdFor(operation.author, nonce) !== operation.group) throw new InvalidRosterChangeError(hash, 'id-not-committed', operation.author);
  checkBinding(hash, owner);
}

/**
 * Throws the named error saying why `signed` may not be written on `view`, the roster its author saw (null: nothing
 * yet, so it must be the group's creation). The signature is the log's to check. Owner and admins add, remove,
 * rename and change roles, but never remove the owner or change the owner's role; anyone may leave, the owner too
 * (the group then goes on with its admins). `allowUncommitted` admits a creation without a nonce (stored logs only).
 */
export function authorise(view: Roster | null, signed: SignedRosterOperation, allowUncommitted = false): void {
  const { operation, hash } = signed;
  if (view === null) return checkCreation(signed, allowUncommitted);
  if (operation.group !== view.groupId) throw new UnknownGroupError(hash, operation.group);
  const { action } = operation;
  if (action.kind === 'create') throw new BrokenChainError(hash, 'second-create');
  const author = view.members.get(operation.author);
  if (author === undefined) throw new AuthorNotMemberError(hash, operation.author);
  if (action.kind === 'leave') return;
  if (author.role === 'member') throw new AuthorNotAllowedError(hash, operation.author, `only the owner and admins may ${action.kind}`);
  switch (action.kind) {
    case 'add':
      if (view.members.has(action.member.address)) throw new InvalidRosterChangeError(hash, 'already-member', action.member.address);
      return checkBinding(hash, action.member);
    case 'remove':
    case 'role': {
      const target = view.members.get(action.member);
      if (target === undefined) throw new InvalidRosterChangeError(hash, 'not-member', action.member);
      if (target.role === 'owner') throw new AuthorNotAllowedError(hash, operation.author, `the owner cannot be ${action.kind === 'remove' ? 'removed' : 'given another role'}`);
      return;
    }
    case 'rename':
      return;
  }
}

/** What an operation takes from a member: membership (removed, or left) or the admin role (made a plain member). */
export interface Revocation {
  readonly address: string;
  readonly takes: 'membership' | 'admin';
}

/** The rights `signed` takes away, which voids what that member did concurrently (docs/groups.md, "Convergence"). */
export function revocationBy(signed: SignedRosterOperation): Revocation | undefined {
  const { action, author } = signed.operation;
  if (action.kind === 'remove') return { address: action.member, takes: 'membership' };
  if (action.kind === 'leave') return { address: author, takes: 'membership' };
  if (action.kind === 'role' && action.role === 'member') return { address: action.member, takes: 'admin' };
  return undefined;
}
