// The roster log with real keys: who may change what, every named refusal, and convergence of concurrent appends.
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AuthorNotAllowedError,
  AuthorNotMemberError,
  BadOperationSignatureError,
  BrokenChainError,
  InvalidMemberBindingError,
  InvalidRosterChangeError,
  ReplayedOperationError,
  RevokedAuthorError,
  UnknownGroupError,
} from './errors.js';
import { makeMember, newGroup, operationBy, type TestMember } from './group-test-kit.js';
import { foldRoster, RosterLog } from './roster-log.js';
import { decodeRosterOperation, signRosterOperation, type SignedRosterOperation } from './roster-operation.js';
import type { Roster } from './roster.js';

const [alice, bob, carol, dave, erin] = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin'].map(makeMember) as [TestMember, TestMember, TestMember, TestMember, TestMember];

/** Alice owns the group; Bob and Carol are admins, Dave a member. */
function fourMemberLog(): { log: RosterLog; ops: SignedRosterOperation[] } {
  const log = newGroup(alice, 'Climbing');
  const ops = [
    ...log.operations(),
    log.accept(operationBy(alice, log, { kind: 'add', member: bob.card, role: 'admin' })),
    log.accept(operationBy(alice, log, { kind: 'add', member: carol.card, role: 'admin' })),
    log.accept(operationBy(bob, log, { kind: 'add', member: dave.card, role: 'member' })),
  ];
  return { log, ops };
}

const roles = (roster: Roster): Record<string, string> =>
  Object.fromEntries([...roster.members.values()].map((member) => [member.address, member.role]));

describe('RosterLog', () => {
  it('folds creation, adds, a role change, a rename and a leave into the roster', () => {
    const { log } = fourMemberLog();
    expect(roles(log.roster)).toEqual({ [alice.address]: 'owner', [bob.address]: 'admin', [carol.address]: 'admin', [dave.address]: 'member' });
    log.accept(operationBy(carol, log, { kind: 'role', member: dave.address, role: 'admin' }));
    log.accept(operationBy(dave, log, { kind: 'rename', name: 'Bouldering' }));
    log.accept(operationBy(bob, log, { kind: 'leave' }));
    expect(log.roster.name).toBe('Bouldering');
    expect(roles(log.roster)).toEqual({ [alice.address]: 'owner', [carol.address]: 'admin', [dave.address]: 'admin' });
    expect(log.roster.members.get(dave.address)?.signalIdentityKey).toEqual(dave.card.signalIdentityKey);
  });

  it('starts a new key epoch when someone is removed or leaves, and only then', () => {
    const { log } = fourMemberLog();
    const epochs = [log.roster.keyEpoch];
    log.accept(operationBy(alice, log, { kind: 'rename', name: 'x' }));
    log.accept(operationBy(alice, log, { kind: 'add', member: erin.card, role: 'member' }));
    epochs.push(log.roster.keyEpoch);
    log.accept(operationBy(bob, log, { kind: 'remove', member: dave.address }));
    epochs.push(log.roster.keyEpoch);
    log.accept(operationBy(erin, log, { kind: 'leave' }));
    epochs.push(log.roster.keyEpoch);
    expect(epochs[1]).toBe(epochs[0]);
    expect(new Set(epochs.slice(1)).size).toBe(3);
  });

  describe('refuses, keeping nothing', () => {
    it('an operation signed by a member who is not an admin: AuthorNotAllowedError', () => {
      const { log } = fourMemberLog();
      expect(() => log.accept(operationBy(dave, log, { kind: 'add', member: erin.card, role: 'member' }))).toThrow(AuthorNotAllowedError);
      expect(() => log.accept(operationBy(dave, log, { kind: 'remove', member: carol.address }))).toThrow(AuthorNotAllowedError);
      expect(log.roster.members.has(erin.address)).toBe(false);
      expect(log.size).toBe(4);
    });

    it('an admin removing the owner or changing their role: AuthorNotAllowedError', () => {
      const { log } = fourMemberLog();
      expect(() => log.accept(operationBy(bob, log, { kind: 'remove', member: alice.address }))).toThrow(/owner cannot be removed/);
      expect(() => log.accept(operationBy(bob, log, { kind: 'role', member: alice.address, role: 'member' }))).toThrow(AuthorNotAllowedError);
    });

    it('an operation signed by someone not in the group: AuthorNotMemberError', () => {
      const { log } = fourMemberLog();
      expect(() => log.accept(operationBy(erin, log, { kind: 'add', member: erin.card, role: 'admin' }))).toThrow(AuthorNotMemberError);
      expect(() => log.accept(operationBy(erin, log, { kind: 'leave' }))).toThrow(AuthorNotMemberError);
    });

    it('a removed member\'s later operations: AuthorNotMemberError', () => {
      const { log } = fourMemberLog();
      log.accept(operationBy(alice, log, { kind: 'remove', member: bob.address }));
      expect(() => log.accept(operationBy(bob, log, { kind: 'rename', name: 'mine' }))).toThrow(AuthorNotMemberError);
    });

    it('an operation whose signature is not its author\'s: BadOperationSignatureError', () => {
      const { log } = fourMemberLog();
      const genuine = operationBy(alice, log, { kind: 'add', member: erin.card, role: 'admin' });
      // Erin signs a body that names Alice as its author.
      const forgedBody = encode({ ...genuine.operation, action: { kind: 'add', member: erin.card, role: 'admin' } });
      const forged = encode({ v: 1, body: forgedBody, sig: erin.onionKey.sign(forgedBody) });
      expect(() => log.accept(forged)).toThrow(BadOperationSignatureError);
      const flipped = Uint8Array.from(genuine.signature);
      flipped[0] = flipped[0]! ^ 1;
      expect(() => log.accept(encode({ v: 1, body: genuine.body, sig: flipped }))).toThrow(BadOperationSignatureError);
      expect(log.roster.members.has(erin.address)).toBe(false);
    });

    it('an operation received twice: ReplayedOperationError', () => {
      const { log, ops } = fourMemberLog();
      expect(() => log.accept(ops[1]!.bytes)).toThrow(ReplayedOperationError);
    });

    it('an operation of another group: UnknownGroupError', () => {
      const { log } = fourMemberLog();
      const other = newGroup(bob, 'Other');
      expect(() => log.accept(operationBy(bob, other, { kind: 'rename', name: 'x' }))).toThrow(UnknownGroupError);
    });

    it('an operation after one the log does not hold, with no parent, or a second creation: BrokenChainError', () => {
      const { log, ops } = fourMemberLog();
      const draft = { group: log.groupId, at: 1, action: { kind: 'rename', name: 'x' } } as const;
      const orphan = signRosterOperation(alice.onionKey, { ...draft, parents: ['00'.repeat(32)] });
      expect(() => log.accept(orphan)).toThrow(expect.objectContaining({ name: 'BrokenChainError', reason: 'missing-parent' }));
      expect(() => log.accept(signRosterOperation(alice.onionKey, { ...draft, parents: [] }))).toThrow(expect.objectContaining({ reason: 'no-parent' }));
      const again = signRosterOperation(alice.onionKey, { group: log.groupId, parents: [], at: 2, action: { kind: 'create', name: 'y', owner: alice.card } });
      expect(() => log.accept(again)).toThrow(expect.objectContaining({ reason: 'second-create' }));
      expect(ops[0]!.operation.parents).toEqual([]);
      expect(() => new RosterLog(log.groupId).roster).toThrow(BrokenChainError);
    });

    it('a member card whose Signal key is not bound to the address: InvalidMemberBindingError', () => {
      const { log } = fourMemberLog();
      const card = { ...erin.card, signalIdentityKey: dave.card.signalIdentityKey };
      expect(() => log.accept(operationBy(alice, log, { kind: 'add', member: card, role: 'member' }))).toThrow(InvalidMemberBindingError);
    });

    it('adding a member twice or removing a stranger: InvalidRosterChangeError', () => {
      const { log } = fourMemberLog();
      expect(() => log.accept(operationBy(alice, log, { kind: 'add', member: dave.card, role: 'member' }))).toThrow(InvalidRosterChangeError);
      expect(() => log.accept(operationBy(alice, log, { kind: 'remove', member: erin.address }))).toThrow(/not a member/);
    });
  });

  describe('concurrent appends', () => {
    it('two admins appending after the same head converge, in whatever order members receive them', () => {
      const { log, ops } = fourMemberLog();
      const byBob = operationBy(bob, log, { kind: 'add', member: erin.card, role: 'member' });
      const byCarol = operationBy(carol, log, { kind: 'rename', name: 'Bouldering' });
      expect(byBob.operation.parents).toEqual(byCarol.operation.parents);
      const seenByDave = foldRoster(log.groupId, [...ops, byBob, byCarol]);
      const seenByAlice = foldRoster(log.groupId, [...ops, byCarol, byBob]);
      expect(seenByAlice).toEqual(seenByDave);
      expect(seenByDave.roster.name).toBe('Bouldering');
      expect(seenByDave.roster.members.has(erin.address)).toBe(true);
      // The next operation follows both heads, and everyone agrees on it too.
      log.accept(byCarol);
      log.accept(byBob);
      expect(log.heads()).toHaveLength(2);
      const merge = log.accept(operationBy(carol, log, { kind: 'rename', name: 'Merged' }));
      expect(merge.operation.parents).toEqual([byBob.hash, byCarol.hash].sort());
      expect(log.heads()).toEqual([merge.hash]);
      expect(log.roster.name).toBe('Merged');
    });

    it('conflicting changes resolve the same way for everyone: a promotion concurrent with a removal is void', () => {
      const { log, ops } = fourMemberLog();
      const removal = operationBy(bob, log, { kind: 'remove', member: dave.address });
      const promotion = operationBy(carol, log, { kind: 'role', member: dave.address, role: 'admin' });
      const a = foldRoster(log.groupId, [...ops, removal, promotion]);
      const b = foldRoster(log.groupId, [promotion, ...ops.reverse(), removal]);
      expect(b.roster).toEqual(a.roster);
      expect(a.roster.members.has(dave.address)).toBe(false);
      // Whichever comes first in log order, the removal wins and the promotion it did not see is void.
      expect(a.skipped).toEqual([{ hash: promotion.hash, author: carol.address, reason: 'concurrent-revocation' }]);
    });

    it('a removed admin cannot undo their removal by writing operations as if they had not seen it', () => {
      const { log, ops } = fourMemberLog();
      const beforeRemoval = log.heads();
      const removal = log.accept(operationBy(alice, log, { kind: 'remove', member: bob.address }));
      // Bob signs, after the heads he claims to know, an add of a helper who could act for him.
      const backdated = signRosterOperation(bob.onionKey, {
        group: log.groupId,
        parents: beforeRemoval,
        at: 2,
        action: { kind: 'add', member: erin.card, role: 'admin' },
      });
      // Void on arrival from someone removed: refused, so it does not grow the log.
      expect(() => log.accept(backdated)).toThrow(RevokedAuthorError);
      expect(log.size).toBe(ops.length + 1);
      expect(log.roster.members.has(bob.address)).toBe(false);
      // A member who took it before the removal arrived holds it, void: the same roster.
      const held = foldRoster(log.groupId, [backdated, removal, ...ops]);
      expect(held.roster).toEqual(log.roster);
      expect(held.skipped).toEqual([{ hash: backdated.hash, author: bob.address, reason: 'concurrent-revocation' }]);
      // Erin's own operations then have no roster that holds her: refused whoever receives them.
      expect(() => log.accept(operationBy(erin, log, { kind: 'rename', name: 'x' }))).toThrow(AuthorNotMemberError);
    });

    it('an admin made a plain member cannot act as admin by backdating, but may still leave', () => {
      const { log } = fourMemberLog();
      const beforeDemotion = log.heads();
      log.accept(operationBy(alice, log, { kind: 'role', member: carol.address, role: 'member' }));
      const backdated = (action: Parameters<typeof log.draft>[0]) =>
        log.accept(signRosterOperation(carol.onionKey, { group: log.groupId, parents: beforeDemotion, at: 3, action }));
      expect(() => backdated({ kind: 'add', member: erin.card, role: 'admin' })).toThrow(RevokedAuthorError);
      expect(log.roster.members.has(erin.address)).toBe(false);
      backdated({ kind: 'leave' });
      expect(log.roster.members.has(carol.address)).toBe(false);
    });

    it('a removal that lands earlier in log order than one already applied still starts a new key epoch', () => {
      const { log, ops } = fourMemberLog();
      const removeDave = operationBy(bob, log, { kind: 'remove', member: dave.address });
      const removeCarol = operationBy(alice, log, { kind: 'remove', member: carol.address });
      const epochs = [removeDave, removeCarol].map((removal) => foldRoster(log.groupId, [...ops, removal]).roster.keyEpoch);
      const both = foldRoster(log.groupId, [...ops, removeDave, removeCarol]).roster;
      expect(both.members.size).toBe(2);
      expect(epochs).not.toContain(both.keyEpoch);
    });

    it('every order of the same operations folds into the same roster', () => {
      const { log, ops } = fourMemberLog();
      const concurrent = [
        operationBy(bob, log, { kind: 'add', member: erin.card, role: 'member' }),
        operationBy(carol, log, { kind: 'remove', member: dave.address }),
        operationBy(dave, log, { kind: 'leave' }),
        operationBy(alice, log, { kind: 'rename', name: 'Renamed' }),
        operationBy(alice, log, { kind: 'role', member: bob.address, role: 'member' }),
      ];
      const all = [...ops, ...concurrent];
      const expected = foldRoster(log.groupId, all);
      fc.assert(
        fc.property(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), (order) => {
          expect(foldRoster(log.groupId, order.map((op) => decodeRosterOperation(op.bytes)))).toEqual(expected);
        }),
        { numRuns: 40 },
      );
    });
  });
});
