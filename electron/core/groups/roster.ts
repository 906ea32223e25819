// A group's roster (name, members with roles, key epoch) and the rules by which one operation changes it.
import { createHash } from 'node:crypto';
import { verifyBinding } from '../signal/binding.js';
import {
  AuthorNotAllowedError,
  AuthorNotMemberError,
  BrokenChainError,
  InvalidMemberBindingError,
  InvalidRosterChangeError,
  UnknownGroupError,
} from './errors.js';
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
   * Changes whenever a member goes (removed or left): hex SHA-256 chained over the creation and every removal in log
   * order. Sender keys belong to one epoch, so a removed member holds none of the next one.
   */
  readonly keyEpoch: string;
}

const chainEpoch = (previous: string, operationHash: string): string =>
  createHash('sha256').update(previous).update(operationHash).digest('hex');

function checkBinding(operationHash: string, card: MemberCard): void {
  try {
    verifyBinding(card.address, card.signalIdentityKey, card.binding);
  } catch {
    throw new InvalidMemberBindingError(operationHash, card.address);
  }
}

function created(signed: SignedRosterOperation): Roster {
  const { operation, hash } = signed;
  if (operation.action.kind !== 'create') throw new BrokenChainError(hash, 'no-create');
  if (operation.parents.length > 0) throw new BrokenChainError(hash, 'create-has-parents');
  const { owner, name } = operation.action;
  if (owner.address !== operation.author) throw new InvalidRosterChangeError(hash, 'owner-not-author', owner.address);
  checkBinding(hash, owner);
  return { groupId: operation.group, name, members: new Map([[owner.address, { ...owner, role: 'owner' }]]), keyEpoch: chainEpoch('', hash) };
}

/**
 * The roster after `signed`, or a named error saying why `signed` does not apply to `roster` (null: nothing yet).
 * The signature is the log's to check. Owner and admins add, remove, rename and change roles, but never remove the
 * owner or change the owner's role; anyone may leave, the owner too (the group then goes on with its admins).
 */
export function applyRosterOperation(roster: Roster | null, signed: SignedRosterOperation): Roster {
  const { operation, hash } = signed;
  if (roster === null) return created(signed);
  if (operation.group !== roster.groupId) throw new UnknownGroupError(hash, operation.group);
  const { action } = operation;
  if (action.kind === 'create') throw new BrokenChainError(hash, 'second-create');
  const author = roster.members.get(operation.author);
  if (author === undefined) throw new AuthorNotMemberError(hash, operation.author);
  if (action.kind === 'leave') return withoutMember(roster, operation.author, hash);
  if (author.role === 'member') throw new AuthorNotAllowedError(hash, operation.author, `only the owner and admins may ${action.kind}`);
  switch (action.kind) {
    case 'add': {
      if (roster.members.has(action.member.address)) throw new InvalidRosterChangeError(hash, 'already-member', action.member.address);
      checkBinding(hash, action.member);
      const members = new Map(roster.members).set(action.member.address, { ...action.member, role: action.role });
      return { ...roster, members };
    }
    case 'remove':
    case 'role': {
      const target = roster.members.get(action.member);
      if (target === undefined) throw new InvalidRosterChangeError(hash, 'not-member', action.member);
      if (target.role === 'owner') throw new AuthorNotAllowedError(hash, operation.author, `the owner cannot be ${action.kind === 'remove' ? 'removed' : 'given another role'}`);
      if (action.kind === 'remove') return withoutMember(roster, action.member, hash);
      return { ...roster, members: new Map(roster.members).set(action.member, { ...target, role: action.role }) };
    }
    case 'rename':
      return { ...roster, name: action.name };
  }
}

function withoutMember(roster: Roster, address: string, operationHash: string): Roster {
  const members = new Map(roster.members);
  members.delete(address);
  return { ...roster, members, keyEpoch: chainEpoch(roster.keyEpoch, operationHash) };
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
