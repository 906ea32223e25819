// A group's roster log: signed operations forming a hash-linked DAG, checked on arrival and folded into one roster
// that every member holding the same operations computes alike (docs/groups.md, "Convergence").
import {
  BadOperationSignatureError,
  BrokenChainError,
  ReplayedOperationError,
  RosterOperationError,
  UnknownGroupError,
} from './errors.js';
import { applyRosterOperation, revocationBy, type Revocation, type Roster } from './roster.js';
import {
  decodeRosterOperation,
  hasValidSignature,
  MAX_PARENTS,
  type RosterAction,
  type RosterOperationDraft,
  type SignedRosterOperation,
} from './roster-operation.js';

/** An accepted operation that has no effect on the roster, and why. */
export interface SkippedOperation {
  readonly hash: string;
  readonly author: string;
  /**
   * `concurrent-revocation`: its author was removed, left, or lost the admin role (then only a leave stands) by an
   * operation written without seeing it, and not seen by it.
   */
  readonly reason: 'concurrent-revocation' | RosterOperationError;
}

export interface RosterFold {
  readonly roster: Roster;
  readonly skipped: readonly SkippedOperation[];
  /** Every operation's hash in the order they were applied: parents first, concurrent ones by ascending hash. */
  readonly order: readonly string[];
}

export class RosterLog {
  readonly groupId: string;
  readonly #operations = new Map<string, SignedRosterOperation>();
  readonly #hasChildren = new Set<string>();
  /** The roster as the author of each operation's children saw it: after the operation and all its ancestors. */
  readonly #stateAfter = new Map<string, Roster>();
  readonly #ancestors = new Map<string, ReadonlySet<string>>();
  #fold: RosterFold | undefined;

  constructor(groupId: string) {
    this.groupId = groupId;
  }

  /**
   * Checks an operation against the log and keeps it, or throws a named {@link RosterOperationError} and keeps
   * nothing. An operation is judged by the roster its author saw (its ancestors), so every member accepts or refuses
   * it alike whatever else they hold. Bytes that are not an operation throw GroupFormatError.
   */
  accept(input: Uint8Array | SignedRosterOperation): SignedRosterOperation {
    const signed = input instanceof Uint8Array ? decodeRosterOperation(input) : input;
    const { operation, hash } = signed;
    if (operation.group !== this.groupId) throw new UnknownGroupError(hash, operation.group);
    if (this.#operations.has(hash)) throw new ReplayedOperationError(hash);
    if (!hasValidSignature(signed)) throw new BadOperationSignatureError(hash, operation.author);
    if (operation.action.kind === 'create' && this.#operations.size > 0) throw new BrokenChainError(hash, 'second-create');
    if (operation.action.kind !== 'create' && operation.parents.length === 0) throw new BrokenChainError(hash, 'no-parent');
    if (operation.parents.some((parent) => !this.#operations.has(parent))) throw new BrokenChainError(hash, 'missing-parent');
    const after = applyRosterOperation(this.#stateSeenBy(operation.parents), signed);
    this.#operations.set(hash, signed);
    this.#stateAfter.set(hash, after);
    for (const parent of operation.parents) this.#hasChildren.add(parent);
    this.#fold = undefined;
    return signed;
  }

  has(hash: string): boolean {
    return this.#operations.has(hash);
  }

  get size(): number {
    return this.#operations.size;
  }

  /** The roster all members holding these operations agree on. Throws BrokenChainError('no-create') on an empty log. */
  get roster(): Roster {
    return this.#folded().roster;
  }

  /** Accepted operations without effect: the UI shows them, their authors may write them again on the new heads. */
  get skipped(): readonly SkippedOperation[] {
    return this.#folded().skipped;
  }

  /** Operations nothing follows yet, ascending: what the next operation names as its parents. */
  heads(): string[] {
    return [...this.#operations.keys()].filter((hash) => !this.#hasChildren.has(hash)).sort().slice(0, MAX_PARENTS);
  }

  /** Every operation, parents before children: the order to store them in and to send them to a new member. */
  operations(): SignedRosterOperation[] {
    return this.#folded().order.map((hash) => this.#operations.get(hash)!);
  }

  /** A draft of the next operation: this group, after the current heads. */
  draft(action: RosterAction, at = Date.now()): RosterOperationDraft {
    return { group: this.groupId, parents: this.heads(), at, action };
  }

  #folded(): RosterFold {
    this.#fold ??= this.#foldSet(new Set(this.#operations.keys()));
    return this.#fold;
  }

  /** The roster after all of `parents` and their ancestors; null before the creation. */
  #stateSeenBy(parents: readonly string[]): Roster | null {
    if (parents.length === 0) return null;
    if (parents.length === 1) return this.#stateAfter.get(parents[0]!)!;
    const seen = new Set<string>(parents);
    for (const parent of parents) for (const ancestor of this.#ancestorsOf(parent)) seen.add(ancestor);
    return this.#foldSet(seen).roster;
  }

  #ancestorsOf(hash: string): ReadonlySet<string> {
    // Iterative, so a long log does not exhaust the stack; a set is made once all its parents' sets are known.
    const pending = [hash];
    while (pending.length > 0) {
      const current = pending[pending.length - 1]!;
      if (this.#ancestors.has(current)) {
        pending.pop();
        continue;
      }
      const parents = this.#operations.get(current)!.operation.parents;
      const unknown = parents.filter((parent) => !this.#ancestors.has(parent));
      if (unknown.length > 0) {
        pending.push(...unknown);
        continue;
      }
      pending.pop();
      const ancestors = new Set<string>();
      for (const parent of parents) {
        ancestors.add(parent);
        for (const ancestor of this.#ancestors.get(parent)!) ancestors.add(ancestor);
      }
      this.#ancestors.set(current, ancestors);
    }
    return this.#ancestors.get(hash)!;
  }

  /** Linear order of an ancestor-closed set: parents first; among operations ready together, the smallest hash. */
  #linearize(hashes: ReadonlySet<string>): string[] {
    const waiting = new Map<string, number>();
    const children = new Map<string, string[]>();
    const ready: string[] = [];
    for (const hash of hashes) {
      const parents = this.#operations.get(hash)!.operation.parents;
      waiting.set(hash, parents.length);
      if (parents.length === 0) ready.push(hash);
      for (const parent of parents) children.set(parent, [...(children.get(parent) ?? []), hash]);
    }
    const order: string[] = [];
    while (ready.length > 0) {
      ready.sort();
      const next = ready.shift()!;
      order.push(next);
      for (const child of children.get(next) ?? []) {
        const left = waiting.get(child)! - 1;
        waiting.set(child, left);
        if (left === 0) ready.push(child);
      }
    }
    return order;
  }

  #foldSet(hashes: ReadonlySet<string>): RosterFold {
    const order = this.#linearize(hashes);
    const revocations = new Map<string, { hash: string; revocation: Revocation }[]>();
    for (const hash of order) {
      const revocation = revocationBy(this.#operations.get(hash)!);
      if (revocation !== undefined) revocations.set(revocation.address, [...(revocations.get(revocation.address) ?? []), { hash, revocation }]);
    }
    let roster: Roster | null = null;
    const skipped: SkippedOperation[] = [];
    for (const hash of order) {
      const signed = this.#operations.get(hash)!;
      const author = signed.operation.author;
      const voids = (revocations.get(author) ?? []).some(
        ({ hash: by, revocation }) =>
          by !== hash && (revocation.takes === 'membership' || signed.operation.action.kind !== 'leave') && this.#concurrent(hash, by),
      );
      if (voids) {
        skipped.push({ hash, author, reason: 'concurrent-revocation' });
        continue;
      }
      try {
        roster = applyRosterOperation(roster, signed);
      } catch (error) {
        if (!(error instanceof RosterOperationError)) throw error;
        skipped.push({ hash, author, reason: error });
      }
    }
    if (roster === null) throw new BrokenChainError('', 'no-create');
    return { roster, skipped, order };
  }

  #concurrent(a: string, b: string): boolean {
    return !this.#ancestorsOf(a).has(b) && !this.#ancestorsOf(b).has(a);
  }
}

/**
 * The pure fold: the roster of `groupId` from its operations in any order, or the named error of the first one that
 * cannot be accepted. Same operations, same roster, on every member's machine.
 */
export function foldRoster(groupId: string, operations: readonly (Uint8Array | SignedRosterOperation)[]): RosterFold {
  const log = new RosterLog(groupId);
  const signed = operations.map((input) => (input instanceof Uint8Array ? decodeRosterOperation(input) : input));
  let pending = signed;
  while (pending.length > 0) {
    const ready = pending.filter((op) => op.operation.parents.every((parent) => log.has(parent)));
    // Nothing fits: accepting the first one left names its missing parent in the error.
    for (const op of ready.length > 0 ? ready : pending.slice(0, 1)) log.accept(op);
    pending = pending.filter((op) => !ready.includes(op));
  }
  return { roster: log.roster, skipped: log.skipped, order: log.operations().map((op) => op.hash) };
}
