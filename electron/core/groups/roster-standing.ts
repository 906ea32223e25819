// Which operations of a set stand when admins act concurrently: removal wins, and a revoked party cannot undo it (docs/groups.md, "Convergence").
import type { Ancestry } from './ancestry.js';
import type { LogNode } from './roster-fold.js';

export interface Standing {
  /** Numbers of operations that have no effect: written by someone a standing revocation took the right from, unseen. */
  readonly voided: ReadonlySet<number>;
  /** Revocations that stand, by the address they revoke (the log adds one that follows everything). */
  readonly standingOf: Map<string, LogNode[]>;
}

/**
 * Judges an ancestor-closed set. Every operation in it was valid for the roster its author saw; what is decided here
 * is which concurrent ones give way. The result depends on the set alone: not on arrival order nor on hashes.
 *
 * - A leave always stands.
 * - A revocation q reaches an operation o it did not see unless o's path holds a revocation of q's author that q
 *   did not see (o's author had seen q's author revoked first; r itself counts: mutual removals both stand).
 * - A removal or demotion r by A is attacked by every revocation of A that reaches it, and stands unless an
 *   attacker stands (grounded labelling, so the outcome is unique; a cycle of attacks leaves all of them standing:
 *   removal wins).
 * - Any other operation by X is void when a standing revocation of X reaches it; an add of Y, or making Y an admin,
 *   is void when a standing revocation of Y (membership for an add) reaches it.
 * A revocation of an instance (one admission or grant) no longer touches operations written after that instance
 * ended on their own path: a member re-admitted after a removal is not voided by a concurrent copy of it.
 */
export function judge(nodes: readonly LogNode[], ancestry: Ancestry): Standing {
  const revocationsOf = new Map<string, LogNode[]>();
  const revocationsBy = new Map<string, LogNode[]>();
  for (const node of nodes) {
    if (node.revokes === undefined) continue;
    pushTo(revocationsOf, node.revokes.address, node);
    if (!node.revokes.leave) pushTo(revocationsBy, node.signed.operation.author, node);
  }
  const seenBy = (a: number, b: number): boolean => a === b || ancestry.precedes(a, b);
  /** `q` reaches `o`: `o` did not precede it, and the admission or grant it ends had not ended on `o`'s path. */
  const affects = (q: LogNode, o: number): boolean => {
    if (q.index === o || ancestry.precedes(o, q.index)) return false;
    const { address, instance } = q.revokes!;
    return !(revocationsOf.get(address) ?? []).some((d) => d.revokes!.instance === instance && seenBy(d.index, o));
  };
  /** `o`'s path holds a revocation of `q`'s author that `q` was written without seeing: `q` cannot touch `o`. */
  const blind = (q: LogNode, o: number): boolean =>
    (revocationsOf.get(q.signed.operation.author) ?? []).some((p) => p !== q && seenBy(p.index, o) && affects(p, q.index));
  const reaches = (q: LogNode, o: number): boolean => affects(q, o) && !blind(q, o);

  const attackers = new Map<number, LogNode[]>();
  for (const ofOne of revocationsOf.values()) {
    for (const q of ofOne) for (const r of revocationsBy.get(q.revokes!.address) ?? []) if (reaches(q, r.index)) pushTo(attackers, r.index, q);
  }

  const label = new Map<number, 'in' | 'out'>();
  const revocations = [...revocationsOf.values()].flat();
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of revocations) {
      if (label.has(r.index)) continue;
      const against = attackers.get(r.index) ?? [];
      if (against.every((a) => label.get(a.index) === 'out')) label.set(r.index, 'in');
      else if (against.some((a) => label.get(a.index) === 'in')) label.set(r.index, 'out');
      else continue;
      changed = true;
    }
  }

  const standingOf = new Map<string, LogNode[]>();
  for (const r of revocations) if (label.get(r.index) !== 'out') pushTo(standingOf, r.revokes!.address, r);
  const voidedBy = (address: string, node: LogNode, membershipOnly = false): boolean =>
    (standingOf.get(address) ?? []).some((s) => (!membershipOnly || s.revokes!.takes === 'membership') && reaches(s, node.index));

  const voided = new Set<number>();
  for (const node of nodes) {
    const { action, author } = node.signed.operation;
    if (action.kind === 'leave' || action.kind === 'create') continue;
    const isVoid =
      node.revokes !== undefined
        ? label.get(node.index) === 'out'
        : voidedBy(author, node) ||
          (action.kind === 'add' && voidedBy(action.member.address, node, true)) ||
          (action.kind === 'role' && voidedBy(action.member, node));
    if (isVoid) voided.add(node.index);
  }
  return { voided, standingOf };
}

/** Parents first; among operations ready together, the smallest hash first. Same set, same order, everywhere. */
export function linearize(nodes: readonly LogNode[]): LogNode[] {
  const inSet = new Set(nodes.map((node) => node.index));
  const waiting = new Map<number, number>();
  const children = new Map<number, LogNode[]>();
  const ready = new HashHeap();
  for (const node of nodes) {
    const parents = node.parents.filter((parent) => inSet.has(parent));
    waiting.set(node.index, parents.length);
    if (parents.length === 0) ready.push(node);
    for (const parent of parents) pushTo(children, parent, node);
  }
  const order: LogNode[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    order.push(next);
    for (const child of children.get(next.index) ?? []) {
      const left = waiting.get(child.index)! - 1;
      waiting.set(child.index, left);
      if (left === 0) ready.push(child);
    }
  }
  return order;
}

export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** A binary min-heap of operations by hash. */
class HashHeap {
  readonly #items: LogNode[] = [];

  push(node: LogNode): void {
    const items = this.#items;
    items.push(node);
    for (let i = items.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (items[up]!.signed.hash <= items[i]!.signed.hash) break;
      [items[up], items[i]] = [items[i]!, items[up]!];
      i = up;
    }
  }

  pop(): LogNode | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      for (let i = 0; ; ) {
        const [l, r] = [2 * i + 1, 2 * i + 2];
        let least = i;
        if (l < items.length && items[l]!.signed.hash < items[least]!.signed.hash) least = l;
        if (r < items.length && items[r]!.signed.hash < items[least]!.signed.hash) least = r;
        if (least === i) break;
        [items[least], items[i]] = [items[i]!, items[least]!];
        i = least;
      }
    }
    return top;
  }
}
