// The roster operation codec: round trips, a pinned byte vector, named refusals, and only GroupFormatError for junk.
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onionKeyFromSeed } from '../identity/index.js';
import { createBinding } from '../signal/binding.js';
import { GroupFormatError } from './errors.js';
import { decodeRosterOperation, hasValidSignature, signRosterOperation, type RosterAction } from './roster-operation.js';

const owner = onionKeyFromSeed(new Uint8Array(32).fill(1));
const other = onionKeyFromSeed(new Uint8Array(32).fill(2));
const signalKey = Uint8Array.of(5, ...new Uint8Array(32).fill(9));
const card = { address: owner.address, signalIdentityKey: signalKey, binding: createBinding(owner, signalKey) };
const group = '00112233445566778899aabbccddeeff';
const parent = 'ab'.repeat(32);
// Regression vector: seed 0x01…, the creation below at 1_700_000_000_000. A change here changes every group's ids.
const PINNED_CREATE_HASH = '4dfed2578d891e3546de27bf8244e4f89811f098a3dec1b9b86d0493a305e70d';
const PINNED_CREATE_LENGTH = 451;

const actions: RosterAction[] = [
  { kind: 'create', name: 'Climbing 🧗', owner: card },
  { kind: 'add', member: { ...card, address: other.address, binding: createBinding(other, signalKey) }, role: 'admin' },
  { kind: 'remove', member: other.address },
  { kind: 'leave' },
  { kind: 'role', member: other.address, role: 'member' },
  { kind: 'rename', name: 'Bouldering' },
];

describe('roster operation codec', () => {
  it.each(actions)('round-trips a signed $kind operation', (action) => {
    const signed = signRosterOperation(owner, { group, parents: action.kind === 'create' ? [] : [parent], at: 1_700_000_000_000, action });
    const decoded = decodeRosterOperation(signed.bytes);
    expect(decoded.operation).toEqual({ v: 1, group, parents: signed.operation.parents, author: owner.address, at: 1_700_000_000_000, action });
    expect(decoded.hash).toBe(signed.hash);
    expect(hasValidSignature(decoded)).toBe(true);
  });

  it('pins the encoding: the hash of a fixed creation by a fixed key (ed25519 and msgpack are deterministic)', () => {
    const signed = signRosterOperation(owner, { group, parents: [], at: 1_700_000_000_000, action: actions[0]! });
    expect(signed.hash).toBe(PINNED_CREATE_HASH);
    expect(signed.bytes.length).toBe(PINNED_CREATE_LENGTH);
  });

  it('signs as the key that signs, whoever the draft claims', () => {
    const signed = signRosterOperation(other, { group, parents: [parent], at: 1, action: { kind: 'leave' } });
    expect(signed.operation.author).toBe(other.address);
  });

  it('refuses a draft that is not an operation, naming the field', () => {
    expect(() => signRosterOperation(owner, { group: 'xyz', parents: [], at: 1, action: { kind: 'leave' } })).toThrow(/group/);
    expect(() => signRosterOperation(owner, { group, parents: [parent, parent], at: 1, action: { kind: 'leave' } })).toThrow(/ascending and distinct/);
    expect(() => signRosterOperation(owner, { group, parents: [parent], at: 1, action: { kind: 'rename', name: 'x'.repeat(65) } })).toThrow(GroupFormatError);
  });

  it('refuses a changed signature length, an extra field and a body that is not an operation', () => {
    const signed = signRosterOperation(owner, { group, parents: [parent], at: 1, action: { kind: 'leave' } });
    expect(() => decodeRosterOperation(encode({ v: 1, body: signed.body, sig: signed.signature.subarray(0, 63) }))).toThrow(/sig/);
    expect(() => decodeRosterOperation(encode({ v: 1, body: signed.body, sig: signed.signature, extra: 1 }))).toThrow(GroupFormatError);
    expect(() => decodeRosterOperation(encode({ v: 1, body: encode({ v: 1 }), sig: signed.signature }))).toThrow(/body is malformed/);
    expect(() => decodeRosterOperation(encode({ v: 1, body: Uint8Array.of(0xc1), sig: signed.signature }))).toThrow(/not valid MessagePack/);
  });

  it('a changed body no longer carries a valid signature', () => {
    const signed = signRosterOperation(owner, { group, parents: [parent], at: 1, action: { kind: 'rename', name: 'a' } });
    const changed = encode({ ...signed.operation, action: { kind: 'rename', name: 'b' } });
    expect(hasValidSignature(decodeRosterOperation(encode({ v: 1, body: changed, sig: signed.signature })))).toBe(false);
  });

  it('throws only GroupFormatError for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        expect(() => decodeRosterOperation(bytes)).toSatisfy(throwsOnlyFormatError);
      }),
    );
  });

  it('throws only GroupFormatError for valid operations with bytes changed, or decodes them', () => {
    const valid = actions.map((action) => signRosterOperation(owner, { group, parents: action.kind === 'create' ? [] : [parent], at: 1, action }).bytes);
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.nat(), fc.integer({ min: 0, max: 255 }), (bytes, at, value) => {
        const mutated = Uint8Array.from(bytes);
        mutated[at % mutated.length] = value;
        expect(() => decodeRosterOperation(mutated)).toSatisfy(throwsOnlyFormatError);
      }),
    );
  });

  it('throws only GroupFormatError for well-formed MessagePack of the wrong shape', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (body, sig) => {
        const bytes = encode({ v: 1, body: encode(body), sig }, { ignoreUndefined: true });
        expect(() => decodeRosterOperation(bytes)).toSatisfy(throwsOnlyFormatError);
      }),
    );
  });
});

function throwsOnlyFormatError(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    return error instanceof GroupFormatError;
  }
}
