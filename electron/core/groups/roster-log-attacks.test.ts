// A hostile member, a removed or demoted admin and a stranger against the roster log: what they sign must not undo a removal.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidRosterChangeError, RevokedAuthorError } from './errors.js';
import { groupIdFor, signGroupCreation } from './group-ids.js';
import { makeMember, newGroup, operationBy, type TestMember } from './group-test-kit.js';
import { foldRoster, RosterLog } from './roster-log.js';
import { signRosterOperation, type RosterAction, type SignedRosterOperation } from './roster-operation.js';
import type { Roster } from './roster.js';

const [alice, bob, carol, dave, erin, mallory] = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Mallory'].map(makeMember) as [
  TestMember,
  TestMember,
  TestMember,
  TestMember,
  TestMember,
  TestMember,
];

/** Alice owns the group; Bob and Carol are admins, Dave an admin too, Erin a member. */
function group(): { log: RosterLog; ops: SignedRosterOperation[] } {
  const log = newGroup(alice);
  log.accept(operationBy(alice, log, { kind: 'add', member: bob.card, role: 'admin' }));
  log.accept(operationBy(alice, log, { kind: 'add', member: carol.card, role: 'admin' }));
  log.accept(operationBy(alice, log, { kind: 'add', member: dave.card, role: 'admin' }));
  log.accept(operationBy(bob, log, { kind: 'add', member: erin.card, role: 'member' }));
  return { log, ops: log.operations() };
}

/** `author` signs `action` after `parents`, whatever the log holds since. */
const backdated = (author: TestMember, log: RosterLog, parents: string[], action: RosterAction, at = 2): SignedRosterOperation =>
  signRosterOperation(author.onionKey, { group: log.groupId, parents, at, action });

const roles = (roster: Roster): Record<string, string> =>
  Object.fromEntries([...roster.members.values()].map((member) => [member.address, member.role]));

/** Each order of delivery a member could see, every one accepting what it can (refusals dropped). */
function deliveredInEveryOrder(ops: SignedRosterOperation[], orders: number[][]): RosterLog[] {
  return orders.map((order) => {
    const log = new RosterLog(ops[0]!.operation.group);
    for (const i of order) {
      try {
        log.accept(ops[i]!);
      } catch (error) {
        if (!(error instanceof RevokedAuthorError)) throw error;
      }
    }
    return log;
  });
}

describe('roster log against a removed or demoted admin', () => {
  it('a removed admin’s counter-removal of his remover takes her out too, and he stays out, whichever arrives first', () => {
    const { log, ops } = group();
    const before = log.heads();
    const removeBob = operationBy(carol, log, { kind: 'remove', member: bob.address });
    const removeCarol = backdated(bob, log, before, { kind: 'remove', member: carol.address });
    const all = [...ops, removeBob, removeCarol];
    const n = ops.length;
    const logs = deliveredInEveryOrder(all, [
      [...ops.keys(), n, n + 1],
      [...ops.keys(), n + 1, n],
    ]);
    for (const each of logs) {
      expect(each.roster.members.has(bob.address)).toBe(false);
      expect(each.roster.members.has(carol.address)).toBe(false);
    }
    expect(logs[1]!.roster).toEqual(logs[0]!.roster);
    expect(logs[0]!.roster.keyEpoch).not.toBe(foldRoster(log.groupId, ops).roster.keyEpoch);
  });

  it('his backdated removal of an uninvolved admin is void, and refused once his removal is held', () => {
    const { log, ops } = group();
    const before = log.heads();
    const removeBob = log.accept(operationBy(carol, log, { kind: 'remove', member: bob.address }));
    const removeDave = backdated(bob, log, before, { kind: 'remove', member: dave.address });
    expect(() => log.accept(removeDave)).toThrow(RevokedAuthorError);
    // Whoever took it before the removal arrived holds it void.
    const held = foldRoster(log.groupId, [...ops, removeDave, removeBob]);
    expect(roles(held.roster)).toEqual(roles(log.roster));
    expect(held.roster.members.has(dave.address)).toBe(true);
    expect(held.skipped.map((skip) => skip.hash)).toEqual([removeDave.hash]);
  });

  it('his counter-removal cannot bring back someone his remover removed after removing him', () => {
    const { log, ops } = group();
    const before = log.heads();
    const removeBob = log.accept(operationBy(carol, log, { kind: 'remove', member: bob.address }));
    const removeErin = log.accept(operationBy(carol, log, { kind: 'remove', member: erin.address }));
    const removeCarol = log.accept(backdated(bob, log, before, { kind: 'remove', member: carol.address }));
    expect(roles(log.roster)).toEqual({ [alice.address]: 'owner', [dave.address]: 'admin' });
    expect(foldRoster(log.groupId, [removeCarol, removeErin, removeBob, ...ops]).roster).toEqual(log.roster);
  });

  it('a demoted admin’s counter-demotion stands, but his backdated add and promotion are void', () => {
    const { log, ops } = group();
    const before = log.heads();
    const demoteBob = log.accept(operationBy(carol, log, { kind: 'role', member: bob.address, role: 'member' }));
    const demoteCarol = log.accept(backdated(bob, log, before, { kind: 'role', member: carol.address, role: 'member' }));
    const addMallory = backdated(bob, log, before, { kind: 'add', member: mallory.card, role: 'admin' }, 3);
    const promoteErin = backdated(bob, log, before, { kind: 'role', member: erin.address, role: 'admin' }, 4);
    expect(() => log.accept(addMallory)).toThrow(RevokedAuthorError);
    expect(() => log.accept(promoteErin)).toThrow(RevokedAuthorError);
    expect(roles(log.roster)).toMatchObject({ [bob.address]: 'member', [carol.address]: 'member', [erin.address]: 'member' });
    expect(log.roster.members.has(mallory.address)).toBe(false);
    const held = foldRoster(log.groupId, [...ops, addMallory, promoteErin, demoteCarol, demoteBob]);
    expect(held.roster).toEqual(log.roster);
  });

  it('a helper a demoted admin promoted on the side removes nobody and voids nothing', () => {
    const { log, ops } = group();
    const before = log.heads();
    const demoteBob = operationBy(alice, log, { kind: 'role', member: bob.address, role: 'member' });
    const promoteErin = backdated(bob, log, before, { kind: 'role', member: erin.address, role: 'admin' });
    const erinRemovesDave = backdated(erin, log, [promoteErin.hash], { kind: 'remove', member: dave.address }, 3);
    const davesRename = backdated(dave, log, before, { kind: 'rename', name: 'Dave’s name' }, 4);
    const held = foldRoster(log.groupId, [...ops, promoteErin, erinRemovesDave, davesRename, demoteBob]);
    expect(roles(held.roster)).toMatchObject({ [bob.address]: 'member', [erin.address]: 'member', [dave.address]: 'admin' });
    expect(held.roster.name).toBe('Dave’s name');
    expect(held.skipped.map((skip) => skip.hash).sort()).toEqual([promoteErin.hash, erinRemovesDave.hash].sort());
  });

  it('after the owner left, an admin’s removal still sticks: the removed admin’s counter takes only the remover', () => {
    const { log } = group();
    log.accept(operationBy(alice, log, { kind: 'leave' }));
    const before = log.heads();
    log.accept(operationBy(carol, log, { kind: 'remove', member: bob.address }));
    log.accept(backdated(bob, log, before, { kind: 'remove', member: carol.address }));
    expect(() => log.accept(backdated(bob, log, before, { kind: 'remove', member: dave.address }, 3))).toThrow(RevokedAuthorError);
    expect(() => log.accept(backdated(bob, log, before, { kind: 'add', member: mallory.card, role: 'admin' }, 4))).toThrow(RevokedAuthorError);
    expect(roles(log.roster)).toEqual({ [dave.address]: 'admin', [erin.address]: 'member' });
  });

  it('a removed member is back only through an add that saw the removal; a concurrent re-add is void', () => {
    const { log, ops } = group();
    const before = log.heads();
    const removal = log.accept(operationBy(carol, log, { kind: 'remove', member: erin.address }));
    const concurrentReAdd = backdated(dave, log, [removal.hash], { kind: 'rename', name: 'x' });
    log.accept(concurrentReAdd);
    // Bob, not seeing the removal, cannot add Erin (she is a member in his view); after it, Dave can.
    expect(() => log.accept(backdated(bob, log, before, { kind: 'add', member: erin.card, role: 'admin' }))).toThrow(InvalidRosterChangeError);
    const reAdd = log.accept(operationBy(dave, log, { kind: 'add', member: erin.card, role: 'member' }));
    expect(log.roster.members.has(erin.address)).toBe(true);
    expect(foldRoster(log.groupId, [reAdd, concurrentReAdd, removal, ...ops]).roster).toEqual(log.roster);
  });
});

describe('roster log growth', () => {
  it('same-moment leaves do not cancel: the member is out after the first, and the repeats are refused', () => {
    const { log, ops } = group();
    const before = log.heads();
    const leaves = Array.from({ length: 50 }, (_, i) => backdated(erin, log, before, { kind: 'leave' }, 10 + i));
    log.accept(leaves[0]!);
    for (const leave of leaves.slice(1)) expect(() => log.accept(leave)).toThrow(RevokedAuthorError);
    expect(log.roster.members.has(erin.address)).toBe(false);
    expect(log.size).toBe(ops.length + 1);
    // A member holding two of them (taken before the first was seen) has her out too.
    expect(foldRoster(log.groupId, [...ops, leaves[1]!, leaves[2]!]).roster.members.has(erin.address)).toBe(false);
  });

  it('a removed member’s backdated chain does not enter the log, unless a member wrote after part of it', () => {
    const { log, ops } = group();
    let parents = log.heads();
    const removal = log.accept(operationBy(carol, log, { kind: 'remove', member: bob.address }));
    const size = log.size;
    const chain: SignedRosterOperation[] = [];
    for (let i = 0; i < 100; i++) {
      const rename = backdated(bob, log, parents, { kind: 'rename', name: `mine ${String(i)}` }, i);
      expect(() => log.accept(rename)).toThrow(RevokedAuthorError);
      chain.push(rename);
      parents = [rename.hash];
    }
    expect(log.size).toBe(size);
    // Dave took the chain's start before the removal reached him and wrote after it: the start is taken back.
    const daves = new RosterLog(log.groupId);
    for (const op of [...ops, ...chain.slice(0, 3)]) daves.accept(op);
    const after = daves.accept(operationBy(dave, daves, { kind: 'rename', name: 'Dave after' }));
    log.accept(after);
    expect(log.size).toBe(size + 4);
    expect(log.roster.name).toBe('Dave after');
    expect(log.roster).toEqual(foldRoster(log.groupId, [...ops, ...chain.slice(0, 3), after, removal]).roster);
  });

  it('the key epoch depends on who went, not on which of two equivalent departures applied', () => {
    const { log, ops } = group();
    const leave = operationBy(erin, log, { kind: 'leave' });
    const removal = operationBy(carol, log, { kind: 'remove', member: erin.address });
    const n = ops.length;
    const [first, second] = deliveredInEveryOrder([...ops, leave, removal], [
      [...ops.keys(), n, n + 1],
      [...ops.keys(), n + 1, n],
    ]);
    expect(first!.roster.keyEpoch).toBe(second!.roster.keyEpoch);
    expect(first!.roster).toEqual(second!.roster);
    expect(first!.roster.keyEpoch).not.toBe(foldRoster(log.groupId, ops).roster.keyEpoch);
  });

  it('what was refused as void is taken when a later revocation voids the one that made it void', () => {
    const { log, ops } = group();
    const before = log.heads();
    // Carol forks herself: she removes Dave, and on the same heads she leaves, which voids her concurrent removal.
    const removeDave = backdated(carol, log, before, { kind: 'remove', member: dave.address });
    const carolLeaves = backdated(carol, log, before, { kind: 'leave' }, 3);
    const davesRename = backdated(dave, log, before, { kind: 'rename', name: 'Dave was here' }, 4);
    log.accept(removeDave);
    expect(() => log.accept(davesRename)).toThrow(RevokedAuthorError);
    log.accept(carolLeaves);
    expect(log.has(davesRename.hash)).toBe(true);
    expect(log.roster).toEqual(foldRoster(log.groupId, [...ops, davesRename, carolLeaves, removeDave]).roster);
    expect(log.roster.name).toBe('Dave was here');
  });

  it('an operation an honest member named as a parent is taken after all, though refused as a repeat before', () => {
    const { log, ops } = group();
    const before = log.heads();
    const leaves = [backdated(erin, log, before, { kind: 'leave' }, 10), backdated(erin, log, before, { kind: 'leave' }, 11)];
    // Dave took the second leave first and wrote after it.
    const daves = new RosterLog(log.groupId);
    for (const op of [...ops, leaves[1]!]) daves.accept(op);
    const rename = daves.accept(operationBy(dave, daves, { kind: 'rename', name: 'After' }));
    log.accept(leaves[0]!);
    expect(() => log.accept(leaves[1]!)).toThrow(RevokedAuthorError);
    log.accept(rename);
    expect(log.roster.name).toBe('After');
    expect(log.has(leaves[1]!.hash)).toBe(true);
  });
});

describe('group id and creation', () => {
  it('a stranger cannot present a creation for a known group id', () => {
    const genuine = signGroupCreation(alice.onionKey, 'Climbing', alice.card, 1);
    const id = genuine.operation.group;
    const joining = new RosterLog(id);
    const nonce = new Uint8Array(16).fill(7);
    const withNonce = signRosterOperation(mallory.onionKey, { group: id, parents: [], at: 1, action: { kind: 'create', name: 'Fake', owner: mallory.card, nonce } });
    expect(() => joining.accept(withNonce)).toThrow(expect.objectContaining({ name: 'InvalidRosterChangeError', reason: 'id-not-committed' }));
    const noNonce = signRosterOperation(mallory.onionKey, { group: id, parents: [], at: 1, action: { kind: 'create', name: 'Fake', owner: mallory.card } });
    expect(() => joining.accept(noNonce)).toThrow(expect.objectContaining({ reason: 'uncommitted-create' }));
    // Alice's own nonce under Mallory's name gives another id.
    const { nonce: aliceNonce } = genuine.operation.action as { nonce: Uint8Array };
    expect(groupIdFor(mallory.address, aliceNonce)).not.toBe(id);
    expect(joining.size).toBe(0);
    joining.accept(genuine);
    expect(joining.roster.members.get(alice.address)?.role).toBe('owner');
  });

  it('a stored log whose creation has no nonce still loads, with the key epoch earlier versions chained', () => {
    const id = '00112233445566778899aabbccddeeff';
    const legacy = signRosterOperation(alice.onionKey, { group: id, parents: [], at: 1, action: { kind: 'create', name: 'Old', owner: alice.card } });
    const stored = new RosterLog(id);
    stored.accept(legacy.bytes, { trusted: true });
    expect(stored.roster.name).toBe('Old');
    stored.accept(operationBy(alice, stored, { kind: 'add', member: bob.card, role: 'member' }), { trusted: true });
    const removal = stored.accept(operationBy(alice, stored, { kind: 'remove', member: bob.address }), { trusted: true });
    const sha = (...parts: string[]): string => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest('hex');
    expect(stored.roster.keyEpoch).toBe(sha(sha('', legacy.hash), removal.hash));
    expect(() => new RosterLog(id).accept(legacy.bytes)).toThrow(expect.objectContaining({ reason: 'uncommitted-create' }));
  });
});

describe('a log sent in parts', () => {
  it('is accepted in turn, parents first, by a joiner, who then has the same roster', () => {
    const { log } = group();
    for (let i = 0; i < 40; i++) log.accept(operationBy(alice, log, { kind: 'rename', name: `name ${String(i)}` }));
    const joiner = new RosterLog(log.groupId);
    for (const { bytes } of log.operations()) joiner.accept(bytes);
    expect(joiner.roster).toEqual(log.roster);
  });
});
