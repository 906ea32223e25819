// A group's roster log: signed operations forming a hash-linked DAG, checked on arrival, bounded, and folded into one
// roster that every member holding the same operations computes alike (docs/groups.md, "Convergence").
import { Ancestry } from './ancestry.js';
import {
  AuthorNotAllowedError,
  AuthorNotMemberError,
  BadOperationSignatureError,
  BrokenChainError,
  ReplayedOperationError,
  RevokedAuthorError,
  RosterLogFullError,
  RosterOperationError,
  UnknownGroupError,
} from './errors.js';
import { applyEffect, FoldState, type LogNode, type RevokedInstance } from './roster-fold.js';
import { decodeRosterOperation, hasValidSignature, MAX_PARENTS, type RosterAction, type RosterOperationDraft, type SignedRosterOperation } from './roster-operation.js';
import { judge, linearize, pushTo, type Standing } from './roster-standing.js';
import { authorise, revocationBy, type Roster } from './roster.js';

/** The most operations one group's log keeps (the store's limit too). */
export const MAX_LOG_OPERATIONS = 10_000;
/** The most bytes of operations one group's log keeps: every state write carries them. */
export const MAX_LOG_BYTES = 4 * 1024 * 1024;
/** Refused repeats kept in memory, in case an honest member named one as a parent before seeing the revocation. */
const REFUSED_KEPT = 256;
/** Rosters after recent heads, kept so a chain growing on a side branch is judged without refolding. */
const HEAD_STATES_KEPT = 64;

/** An accepted operation that has no effect on the roster, and why. */
export interface SkippedOperation {
  readonly hash: string;
  readonly author: string;
  /**
   * `concurrent-revocation`: its author was removed, left, or lost the admin role (then only a leave stands) by an
   * operation written without seeing it, and not seen by it; or it re-admits or promotes someone such a revocation
   * took out. Otherwise the reason it changed nothing here (e.g. the member was gone already).
   */
  readonly reason: 'concurrent-revocation' | RosterOperationError;
}

export interface RosterFold {
  readonly roster: Roster;
  readonly skipped: readonly SkippedOperation[];
  /** Every operation's hash in the order they were applied: parents first, concurrent ones by ascending hash. */
  readonly order: readonly string[];
}

export interface AcceptOptions {
  /**
   * The operation comes from our own store (or a set being folded whole): a creation without a nonce is taken (logs
   * stored before group ids committed to their creation), and nothing is refused as a revoked author's repeat.
   */
  readonly trusted?: boolean;
}

interface Fold {
  readonly state: FoldState;
  readonly order: LogNode[];
  readonly skipped: SkippedOperation[];
  readonly standing: Standing;
}

export class RosterLog {
  readonly groupId: string;
  readonly #nodes: LogNode[] = [];
  readonly #byHash = new Map<string, number>();
  readonly #ancestry = new Ancestry();
  readonly #heads = new Set<number>();
  readonly #revocationsOf = new Map<string, number>();
  readonly #headStates = new Map<number, FoldState>();
  readonly #refused = new Map<string, SignedRosterOperation>();
  #bytes = 0;
  #fold: Fold | undefined;
  /** Set while refused operations are taken back as a member's child's ancestors: their own parents are too. */
  #restoring = false;

  constructor(groupId: string) {
    this.groupId = groupId;
  }

  /**
   * Checks an operation against the log and keeps it, or throws a named {@link RosterOperationError} and keeps
   * nothing. An operation is judged by the roster its author saw (its ancestors), so every member accepts or refuses
   * it alike whatever else they hold. Bytes that are not an operation throw GroupFormatError. Refused as well:
   * a creation whose nonce does not give this group id, or without one (unless `trusted`); a removed or demoted
   * author's operation written as if they had not been that would change nothing ({@link RevokedAuthorError});
   * anything past the log's limits ({@link RosterLogFullError}).
   */
  accept(input: Uint8Array | SignedRosterOperation, options: AcceptOptions = {}): SignedRosterOperation {
    const signed = input instanceof Uint8Array ? decodeRosterOperation(input) : input;
    const { operation, hash } = signed;
    if (operation.group !== this.groupId) throw new UnknownGroupError(hash, operation.group);
    if (this.#byHash.has(hash)) throw new ReplayedOperationError(hash);
    if (this.#nodes.length >= MAX_LOG_OPERATIONS) throw new RosterLogFullError(hash, 'operations', MAX_LOG_OPERATIONS);
    if (this.#bytes + signed.bytes.length > MAX_LOG_BYTES) throw new RosterLogFullError(hash, 'bytes', MAX_LOG_BYTES);
    if (operation.action.kind === 'create' && this.#nodes.length > 0) throw new BrokenChainError(hash, 'second-create');
    if (operation.action.kind !== 'create' && operation.parents.length === 0) throw new BrokenChainError(hash, 'no-parent');
    if (!hasValidSignature(signed)) throw new BadOperationSignatureError(hash, operation.author);
    this.#acceptRefusedParents(operation.parents, operation.author);
    const missing = operation.parents.filter((parent) => !this.#byHash.has(parent));
    if (missing.length > 0 && missing.every((parent) => this.#refused.has(parent))) {
      // A revoked author's chain on what was refused: refused alike, and kept in case a member's child needs it.
      this.#keepRefused(signed);
      throw new RevokedAuthorError(hash, operation.author);
    }
    if (missing.length > 0) throw new BrokenChainError(hash, 'missing-parent');
    const parents = operation.parents.map((parent) => this.#byHash.get(parent)!);
    const view = this.#viewAfter(parents);
    authorise(view?.roster() ?? null, signed, options.trusted === true);
    const revocation = revocationBy(signed);
    const revokes: RevokedInstance | undefined =
      revocation === undefined || view === null
        ? undefined
        : { ...revocation, instance: view.instanceOf(revocation.address, revocation.takes), leave: operation.action.kind === 'leave' };
    const node: LogNode = { index: this.#nodes.length, signed, parents, revokes };
    if (options.trusted !== true && this.#isRevokedRepeat(node)) {
      this.#keepRefused(signed);
      throw new RevokedAuthorError(hash, operation.author);
    }
    this.#add(node, view);
    if (node.revokes !== undefined) this.#retryRefused();
    return signed;
  }

  has(hash: string): boolean {
    return this.#byHash.has(hash);
  }

  get size(): number {
    return this.#nodes.length;
  }

  /** The roster all members holding these operations agree on. Throws BrokenChainError('no-create') on an empty log. */
  get roster(): Roster {
    return this.#folded().state.roster();
  }

  /** Accepted operations without effect: the UI shows them, their authors may write them again on the new heads. */
  get skipped(): readonly SkippedOperation[] {
    return this.#folded().skipped;
  }

  /** Operations nothing follows yet, ascending: what the next operation names as its parents. */
  heads(): string[] {
    return [...this.#heads].map((index) => this.#nodes[index]!.signed.hash).sort().slice(0, MAX_PARENTS);
  }

  /** Every operation, parents before children: the order to store them in and to send them to a new member. */
  operations(): SignedRosterOperation[] {
    return this.#folded().order.map((node) => node.signed);
  }

  /** A draft of the next operation: this group, after the current heads. */
  draft(action: RosterAction, at = Date.now()): RosterOperationDraft {
    return { group: this.groupId, parents: this.heads(), at, action };
  }

  #folded(): Fold {
    if (this.#fold === undefined) {
      if (this.#nodes.length === 0) throw new BrokenChainError('', 'no-create');
      this.#fold = this.#foldNodes(this.#nodes);
    }
    return this.#fold;
  }

  /**
   * Orders, judges and applies. A removal or demotion whose author turns out to hold no such right in the fold (it
   * came from a void promotion or add) is taken out of the judging too, and the set judged again, so it voids nothing.
   */
  #foldNodes(nodes: readonly LogNode[]): Fold {
    const order = linearize(nodes);
    const unentitled = new Map<number, RosterOperationError>();
    const concurrent = (a: number, b: number): boolean => this.#ancestry.concurrent(a, b);
    for (;;) {
      const standing = judge(
        order.filter((node) => !unentitled.has(node.index)),
        this.#ancestry,
      );
      const state = new FoldState(this.groupId);
      const skipped: SkippedOperation[] = [];
      let judgedAgain = false;
      for (const node of order) {
        const { hash, operation } = node.signed;
        const reason = unentitled.get(node.index) ?? (standing.voided.has(node.index) ? 'concurrent-revocation' : applyEffect(state, node, concurrent));
        if (reason === undefined) continue;
        skipped.push({ hash, author: operation.author, reason });
        if (node.revokes !== undefined && !unentitled.has(node.index) && (reason instanceof AuthorNotMemberError || reason instanceof AuthorNotAllowedError)) {
          unentitled.set(node.index, reason);
          judgedAgain = true;
        }
      }
      if (!judgedAgain) return { state, order, skipped, standing };
    }
  }

  /** The fold of `parents` and all their ancestors: the roster their child's author saw. Null before the creation. */
  #viewAfter(parents: readonly number[]): FoldState | null {
    if (parents.length === 0) return null;
    if (this.#followsAll(parents)) return this.#folded().state;
    if (parents.length === 1 && this.#headStates.has(parents[0]!)) return this.#headStates.get(parents[0]!)!;
    return this.#foldNodes(this.#ancestry.closure(parents).map((index) => this.#nodes[index]!)).state;
  }

  #followsAll(parents: readonly number[]): boolean {
    return [...this.#heads].every((head) => parents.includes(head));
  }

  #add(node: LogNode, view: FoldState | null): void {
    const followsAll = node.parents.length > 0 && this.#followsAll(node.parents);
    this.#ancestry.add(node.parents);
    this.#nodes.push(node);
    this.#byHash.set(node.signed.hash, node.index);
    this.#bytes += node.signed.bytes.length;
    for (const parent of node.parents) {
      this.#heads.delete(parent);
      this.#headStates.delete(parent);
    }
    this.#heads.add(node.index);
    if (node.revokes !== undefined) this.#revocationsOf.set(node.revokes.address, (this.#revocationsOf.get(node.revokes.address) ?? 0) + 1);
    const concurrent = (a: number, b: number): boolean => this.#ancestry.concurrent(a, b);
    if (followsAll && this.#fold !== undefined) {
      // It follows everything: nothing is concurrent with it, so the fold only grows by it, at the end.
      const reason = applyEffect(this.#fold.state, node, concurrent);
      this.#fold.order.push(node);
      if (reason !== undefined) this.#fold.skipped.push({ hash: node.signed.hash, author: node.signed.operation.author, reason });
      // Concurrent with nothing, a revocation is attacked by nothing and attacks nothing: it stands.
      if (node.revokes !== undefined && reason === undefined) pushTo(this.#fold.standing.standingOf, node.revokes.address, node);
      this.#headStates.clear();
      this.#headStates.set(node.index, this.#fold.state);
      return;
    }
    this.#fold = undefined;
    // The view is this operation's parents' state, which nothing else holds now; it follows all of it.
    const state = view ?? new FoldState(this.groupId);
    applyEffect(state, node, concurrent);
    this.#headStates.set(node.index, state);
    while (this.#headStates.size > HEAD_STATES_KEPT) this.#headStates.delete(this.#headStates.keys().next().value!);
  }

  /**
   * True if the author lost their rights to a standing revocation the operation did not see, and the operation
   * would change nothing: void, a leave of someone gone, or a repeat of a revocation held already. A
   * counter-revocation of whoever revoked them still counts.
   */
  #isRevokedRepeat(node: LogNode): boolean {
    const { author, action } = node.signed.operation;
    if (!this.#revocationsOf.has(author)) return false;
    const fold = this.#folded();
    const sees = (index: number): boolean => node.parents.some((parent) => parent === index || this.#ancestry.precedes(index, parent));
    if ((fold.standing.standingOf.get(author) ?? []).every((s) => sees(s.index))) return false;
    if (action.kind === 'leave') {
      const gone = !fold.state.members.has(author) || fold.state.admission.get(author) !== node.revokes!.instance;
      return gone && this.#changesNothingOnTrial(node, fold);
    }
    if (node.revokes !== undefined && this.#repeats(node, fold, sees)) return true;
    return this.#voidOnTrial(node);
  }

  /**
   * A standing revocation by the same author of the same admission or grant is held, and this one saw everything
   * that one saw: it can reach nothing that one does not, so it would add nothing.
   */
  #repeats(node: LogNode, fold: Fold, sees: (index: number) => boolean): boolean {
    const { address, takes, instance } = node.revokes!;
    return (fold.standing.standingOf.get(address) ?? []).some(
      (held) =>
        held.signed.operation.author === node.signed.operation.author &&
        held.revokes!.takes === takes &&
        held.revokes!.instance === instance &&
        held.parents.every(sees),
    );
  }

  /** Adds the node, folds, and takes it back again: would it be void? */
  #voidOnTrial(node: LogNode): boolean {
    const index = this.#ancestry.add(node.parents);
    const nodes = [...this.#nodes, node];
    const voided = this.#foldNodes(nodes).standing.voided.has(node.index);
    this.#ancestry.pop();
    if (index !== node.index) throw new Error('roster log numbering is out of step');
    return voided;
  }

  /** Adds the node, folds, and takes it back again: are the roster and what is void the same as without it? */
  #changesNothingOnTrial(node: LogNode, fold: Fold): boolean {
    this.#ancestry.add(node.parents);
    const trial = this.#foldNodes([...this.#nodes, node]);
    this.#ancestry.pop();
    const voided = (standing: Standing): string => [...standing.voided].sort((a, b) => a - b).join(',');
    const [now, then] = [fold.state.roster(), trial.state.roster()];
    return (
      now.name === then.name &&
      now.keyEpoch === then.keyEpoch &&
      [...now.members.values()].every((m) => then.members.get(m.address)?.role === m.role) &&
      now.members.size === then.members.size &&
      voided(fold.standing) === voided(trial.standing)
    );
  }

  #keepRefused(signed: SignedRosterOperation): void {
    this.#refused.set(signed.hash, signed);
    while (this.#refused.size > REFUSED_KEPT) this.#refused.delete(this.#refused.keys().next().value!);
  }

  /**
   * A new revocation can change what stands (it may void the one that made an earlier operation void): what was
   * refused is offered again, and kept if it would now change something.
   */
  #retryRefused(): void {
    for (const [hash, refused] of [...this.#refused]) {
      if (this.#byHash.has(hash)) continue;
      this.#refused.delete(hash);
      try {
        this.accept(refused);
      } catch (error) {
        if (!(error instanceof RosterOperationError)) throw error;
      }
    }
  }

  /**
   * A repeat refused earlier that a member in the roster names as a parent is taken after all: the chain needs it
   * (they took it before the revocation arrived). A revoked author's own chain gets nothing from this.
   */
  #acceptRefusedParents(parents: readonly string[], author: string): void {
    if (this.#refused.size === 0 || this.#nodes.length === 0) return;
    if (!this.#restoring && !this.#folded().state.members.has(author)) return;
    const restoring = this.#restoring;
    this.#restoring = true;
    try {
      for (const parent of parents) {
        const refused = this.#refused.get(parent);
        if (refused === undefined || this.#byHash.has(parent)) continue;
        this.#refused.delete(parent);
        try {
          this.accept(refused, { trusted: true });
        } catch (error) {
          if (!(error instanceof RosterOperationError)) throw error;
        }
      }
    } finally {
      this.#restoring = restoring;
    }
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
    for (const op of ready.length > 0 ? ready : pending.slice(0, 1)) log.accept(op, { trusted: true });
    pending = pending.filter((op) => !ready.includes(op));
  }
  return { roster: log.roster, skipped: log.skipped, order: log.operations().map((op) => op.hash) };
}
