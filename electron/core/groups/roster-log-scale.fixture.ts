// Run in a child with a small heap by roster-log-scale.test.ts: a full log of 10,000 operations, nine in ten of them
// one admin's side chain written after old heads, accepted as a profile's store gives them back and folded; then one
// more is refused as full.
import { RosterLogFullError } from './errors.js';
import { makeMember, newGroup, operationBy } from './group-test-kit.js';
import { MAX_LOG_OPERATIONS, RosterLog } from './roster-log.js';
import { signRosterOperation, type SignedRosterOperation } from './roster-operation.js';

const [alice, bob] = [makeMember('Alice'), makeMember('Bob')];
const start = newGroup(alice);
start.accept(operationBy(alice, start, { kind: 'add', member: bob.card, role: 'admin' }));
const ops: SignedRosterOperation[] = start.operations();
let main = start.heads();
let side = start.heads();
for (let i = 0; ops.length < MAX_LOG_OPERATIONS - 1; i++) {
  const onSide = i % 10 !== 0;
  const op = signRosterOperation((onSide ? bob : alice).onionKey, { group: start.groupId, parents: onSide ? side : main, at: i, action: { kind: 'rename', name: `n${String(i)}` } });
  ops.push(op);
  if (onSide) side = [op.hash];
  else main = [op.hash];
}
ops.push(signRosterOperation(alice.onionKey, { group: start.groupId, parents: [...main, ...side].sort(), at: 0, action: { kind: 'rename', name: 'joined' } }));
const log = new RosterLog(start.groupId);
for (const op of ops) log.accept(op.bytes, { trusted: true });
let full = '';
try {
  log.accept(operationBy(alice, log, { kind: 'rename', name: 'one too many' }));
} catch (error) {
  full = error instanceof RosterLogFullError ? error.limit : String(error);
}
process.stdout.write(JSON.stringify({ size: log.size, name: log.roster.name, members: log.roster.members.size, order: log.operations().length, full }));
