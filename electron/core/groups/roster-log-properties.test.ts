// Property tests of the roster log: random honest and hostile (backdating, forking, repeating) admin work, delivered to
// several members in different orders, converges, and no removed party is back without a later approval.
// The "honest" members here lag a little and may fork themselves too; only Bob and Erin backdate at will.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BrokenChainError, RevokedAuthorError } from './errors.js';
import { makeMember, newGroup, operationBy, type TestMember } from './group-test-kit.js';
import { foldRoster, RosterLog } from './roster-log.js';
import { signRosterOperation, type RosterAction, type SignedRosterOperation } from './roster-operation.js';
import type { Roster } from './roster.js';

const people: TestMember[] = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank'].map((name) => makeMember(name));
/** Bob and Erin backdate onto any earlier state of the log; the others write on what they have, a little behind. */
const HOSTILE = new Set([1, 4]);

function start(): SignedRosterOperation[] {
  const log = newGroup(people[0]!);
  for (const [i, role] of [[1, 'admin'], [2, 'admin'], [3, 'admin'], [4, 'member'], [5, 'member']] as const) {
    log.accept(operationBy(people[0]!, log, { kind: 'add', member: people[i]!.card, role }));
  }
  return log.operations();
}

const step = fc.record({
  actor: fc.integer({ min: 0, max: 5 }),
  kind: fc.constantFrom('add', 'remove', 'promote', 'demote', 'leave', 'rename'),
  target: fc.integer({ min: 0, max: 5 }),
  /** How far back the author's view is: a few operations behind for the honest, anywhere for the hostile. */
  back: fc.nat({ max: 40 }),
});

function actionOf(kind: string, target: TestMember, n: number): RosterAction {
  switch (kind) {
    case 'add':
      return { kind: 'add', member: target.card, role: 'member' };
    case 'remove':
      return { kind: 'remove', member: target.address };
    case 'promote':
      return { kind: 'role', member: target.address, role: 'admin' };
    case 'demote':
      return { kind: 'role', member: target.address, role: 'member' };
    case 'leave':
      return { kind: 'leave' };
    default:
      return { kind: 'rename', name: `name ${String(n)}` };
  }
}

/** The log as a view: the first `length` operations made (creation order is parents first). */
function viewOf(ops: readonly SignedRosterOperation[], length: number): RosterLog {
  const log = new RosterLog(ops[0]!.operation.group);
  for (const op of ops.slice(0, length)) log.accept(op, { trusted: true });
  return log;
}

/**
 * A member receiving everything in `order`, holding back what waits for a parent and trying it again after anything
 * was accepted or refused (a refused repeat can be the parent it waits for), dropping what it refuses.
 */
function deliver(ops: readonly SignedRosterOperation[], order: readonly number[]): RosterLog {
  const log = new RosterLog(ops[0]!.operation.group);
  let pending = order.map((i) => ops[i]!);
  for (let progress = true; progress && pending.length > 0; ) {
    progress = false;
    const waiting: SignedRosterOperation[] = [];
    for (const op of pending) {
      if (log.has(op.hash)) continue;
      try {
        log.accept(op);
        progress = true;
      } catch (error) {
        if (error instanceof BrokenChainError && error.reason === 'missing-parent') waiting.push(op);
        else if (error instanceof RevokedAuthorError) progress = true;
        else throw error;
      }
    }
    pending = waiting;
  }
  return log;
}

const summary = (roster: Roster) => ({
  name: roster.name,
  keyEpoch: roster.keyEpoch,
  members: [...roster.members.values()].map((m) => `${m.address}:${m.role}`).sort(),
});

function ancestorsOf(ops: readonly SignedRosterOperation[]): Map<string, Set<string>> {
  const byHash = new Map(ops.map((op) => [op.hash, op]));
  const memo = new Map<string, Set<string>>();
  const of = (hash: string): Set<string> => {
    const known = memo.get(hash);
    if (known !== undefined) return known;
    const set = new Set<string>();
    for (const parent of byHash.get(hash)!.operation.parents) {
      set.add(parent);
      for (const a of of(parent)) set.add(a);
    }
    memo.set(hash, set);
    return set;
  };
  for (const op of ops) of(op.hash);
  return memo;
}

describe('roster log under random honest and hostile admin work', () => {
  it('every member converges on one roster and key epoch, and no removed party is back without a later add', () => {
    const initial = start();
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 4, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 3, maxLength: 3 }),
        (steps, seeds) => {
          const ops = [...initial];
          steps.forEach(({ actor, kind, target, back }, n) => {
            const length = HOSTILE.has(actor) ? Math.max(initial.length, ops.length - back) : Math.max(initial.length, ops.length - (back % 3));
            const view = viewOf(ops, length);
            const signed = signRosterOperation(people[actor]!.onionKey, view.draft(actionOf(kind, people[target]!, n), n));
            try {
              view.accept(signed, { trusted: true });
            } catch {
              return;
            }
            ops.push(signed);
          });
          const whole = foldRoster(ops[0]!.operation.group, ops);
          const orders = seeds.map((seed) => [...ops.keys()].sort((a, b) => ((a * 7919 + seed) % 10007) - ((b * 7919 + seed) % 10007)));
          for (const order of orders) expect(summary(deliver(ops, order).roster)).toEqual(summary(whole.roster));

          const skipped = new Set(whole.skipped.map((s) => s.hash));
          // Safety: whoever a removal that applied took out is in only through an applied add that saw that
          // membership end (this removal, or another of the same admission).
          const ancestors = ancestorsOf(ops);
          const byHash = new Map(ops.map((op) => [op.hash, op]));
          /** The admission of `member` an operation saw: the latest add of them (or the creation) among its ancestors. */
          const admissionSeenBy = (hash: string, member: string): string | undefined => {
            const admissions = [...ancestors.get(hash)!].filter((a) => {
              const { action } = byHash.get(a)!.operation;
              return (action.kind === 'add' && action.member.address === member) || (action.kind === 'create' && action.owner.address === member);
            });
            return admissions.find((a) => !admissions.some((b) => b !== a && ancestors.get(b)!.has(a)));
          };
          const ends = (op: SignedRosterOperation, member: string): boolean =>
            (op.operation.action.kind === 'remove' && op.operation.action.member === member) ||
            (op.operation.action.kind === 'leave' && op.operation.author === member);
          for (const removal of ops) {
            const { action } = removal.operation;
            if (action.kind !== 'remove' || skipped.has(removal.hash) || !whole.roster.members.has(action.member)) continue;
            const admission = admissionSeenBy(removal.hash, action.member);
            const readmitted = ops.some(
              (add) =>
                add.operation.action.kind === 'add' &&
                add.operation.action.member.address === action.member &&
                !skipped.has(add.hash) &&
                [...ancestors.get(add.hash)!].some((d) => ends(byHash.get(d)!, action.member) && admissionSeenBy(d, action.member) === admission),
            );
            expect(readmitted, `${action.member} is back without an add after ${removal.hash}`).toBe(true);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 180_000);
});
