// Folding a roster log: the state a fold builds (members, roles, who admitted whom, departures) and what one operation does to it.
import { createHash } from 'node:crypto';
import { AuthorNotAllowedError, AuthorNotMemberError, InvalidRosterChangeError, type RosterOperationError } from './errors.js';
import type { SignedRosterOperation } from './roster-operation.js';
import type { GroupRole, Roster, RosterMember } from './roster.js';

/** What a removal, leave or demotion ends: one admission (membership) or one admin grant of one address. */
export interface RevokedInstance {
  readonly address: string;
  readonly takes: 'membership' | 'admin';
  /** Hash of the operation that had admitted the address (membership) or given it its role (admin), as the author saw it. */
  readonly instance: string;
  readonly leave: boolean;
}

/** An accepted operation as the log keeps it: its number (arrival order, parents first) and its parents' numbers. */
export interface LogNode {
  readonly index: number;
  readonly signed: SignedRosterOperation;
  readonly parents: readonly number[];
  readonly revokes: RevokedInstance | undefined;
}

/** Rights someone lost in this fold: their role before, and the operations (numbers) that took it. */
interface Lost {
  readonly role: GroupRole;
  readonly by: readonly number[];
}

/** A roster being folded: changed in place, one operation at a time, and read as an immutable {@link Roster}. */
export class FoldState {
  readonly groupId: string;
  name = '';
  creation = '';
  readonly members = new Map<string, RosterMember>();
  /** Per member, the operation that admitted them (add, or the creation). */
  readonly admission = new Map<string, string>();
  /** Per member, the operation that gave them their current role. */
  readonly grant = new Map<string, string>();
  readonly #lost = new Map<string, Lost>();
  /** `address admission` of everyone who went: what the key epoch is made of. */
  readonly #departures = new Set<string>();
  /**
   * For a group created before creations carried a nonce: the epoch chained over the departures in fold order, as
   * earlier versions computed it, so stored groups keep their sender keys.
   */
  #chained: string | undefined;
  #roster: Roster | undefined;

  constructor(groupId: string) {
    this.groupId = groupId;
  }

  /** The roster as it stands; the same object until the next change. */
  roster(): Roster {
    this.#roster ??= { groupId: this.groupId, name: this.name, members: new Map(this.members), keyEpoch: this.#keyEpoch() };
    return this.#roster;
  }

  /** What a revocation of `address` written on this state ends (see {@link RevokedInstance}). */
  instanceOf(address: string, takes: RevokedInstance['takes']): string {
    return (takes === 'membership' ? this.admission : this.grant).get(address) ?? '';
  }

  /**
   * The role `address` may act with in operation `index`: its current one, or the one it had before losing rights
   * only to operations that `index` was written without seeing (so a removed admin's counter-removal still counts).
   */
  roleFor(address: string, index: number, concurrent: (a: number, b: number) => boolean): GroupRole | undefined {
    const lost = this.#lost.get(address);
    if (lost !== undefined && lost.by.every((by) => concurrent(by, index))) return lost.role;
    return this.members.get(address)?.role;
  }

  admit(member: RosterMember, by: string): void {
    this.members.set(member.address, member);
    this.admission.set(member.address, by);
    this.grant.set(member.address, by);
    this.#lost.delete(member.address);
    this.#changed();
  }

  depart(address: string, by: number, hash: string): void {
    const member = this.members.get(address)!;
    if (this.#chained !== undefined) this.#chained = createHash('sha256').update(this.#chained).update(hash).digest('hex');
    this.#departures.add(`${address} ${this.admission.get(address) ?? ''}`);
    this.members.delete(address);
    this.#lose(address, member.role, by);
  }

  setRole(address: string, role: 'admin' | 'member', by: number, hash: string): void {
    const member = this.members.get(address)!;
    if (role === 'member' && member.role !== 'member') this.#lose(address, member.role, by);
    if (role === 'admin') this.#lost.delete(address);
    this.members.set(address, { ...member, role });
    this.grant.set(address, hash);
    this.#changed();
  }

  rename(name: string): void {
    this.name = name;
    this.#changed();
  }

  #lose(address: string, role: GroupRole, by: number): void {
    const before = this.#lost.get(address);
    this.#lost.set(address, { role: before?.role ?? role, by: [...(before?.by ?? []), by] });
    this.#changed();
  }

  #changed(): void {
    this.#roster = undefined;
  }

  /** Marks a creation without a nonce: the key epoch is chained as before (see {@link FoldState.#chained}). */
  chainEpochs(): void {
    this.#chained = createHash('sha256').update('').update(this.creation).digest('hex');
  }

  #keyEpoch(): string {
    if (this.#chained !== undefined) return this.#chained;
    // With nobody gone yet this is what the chained epoch of earlier versions gave, so such groups keep their keys.
    if (this.#departures.size === 0) return createHash('sha256').update('').update(this.creation).digest('hex');
    const hash = createHash('sha256').update('allium-key-epoch-v2').update(this.creation);
    for (const departure of [...this.#departures].sort()) hash.update('\n').update(departure);
    return hash.digest('hex');
  }
}

/**
 * Applies a standing operation to the fold, or returns why it changes nothing here (the UI lists it as skipped).
 * Its author's right to write it was judged on the roster they saw; here only the author's rights lost to what they
 * saw count, and the target must still be there.
 */
export function applyEffect(state: FoldState, node: LogNode, concurrent: (a: number, b: number) => boolean): RosterOperationError | undefined {
  const { operation, hash } = node.signed;
  const { action, author } = operation;
  if (action.kind === 'create') {
    state.creation = hash;
    state.rename(action.name);
    state.admit({ ...action.owner, role: 'owner' }, hash);
    if (action.nonce === undefined) state.chainEpochs();
    return undefined;
  }
  const role = state.roleFor(author, node.index, concurrent);
  if (role === undefined) return new AuthorNotMemberError(hash, author);
  // A revocation ends the admission or grant its author saw, never a later one: a member re-admitted since stays.
  const ended = node.revokes === undefined || state.instanceOf(node.revokes.address, node.revokes.takes) === node.revokes.instance;
  if (action.kind === 'leave') {
    if (!state.members.has(author) || !ended) return new InvalidRosterChangeError(hash, 'not-member', author);
    state.depart(author, node.index, hash);
    return undefined;
  }
  if (role === 'member') return new AuthorNotAllowedError(hash, author, `only the owner and admins may ${action.kind}`);
  switch (action.kind) {
    case 'add':
      if (state.members.has(action.member.address)) return new InvalidRosterChangeError(hash, 'already-member', action.member.address);
      state.admit({ ...action.member, role: action.role }, hash);
      return undefined;
    case 'remove':
    case 'role': {
      const target = state.members.get(action.member);
      if (target === undefined || !ended) return new InvalidRosterChangeError(hash, 'not-member', action.member);
      if (target.role === 'owner') return new AuthorNotAllowedError(hash, author, 'the owner keeps their place and role');
      if (action.kind === 'remove') state.depart(action.member, node.index, hash);
      else state.setRole(action.member, action.role, node.index, hash);
      return undefined;
    }
    case 'rename':
      state.rename(action.name);
      return undefined;
  }
}
