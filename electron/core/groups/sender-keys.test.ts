// Sender keys with real libsignal and real keys: four members, a removal with re-keying, replays and strangers refused.
import { describe, expect, it } from 'vitest';
import { GroupDecryptionError, GroupFormatError, MissingSenderKeyError, NotAGroupMemberError, ReplayedGroupMessageError, StaleDistributionError } from './errors.js';
import { distributionIdFor } from './group-ids.js';
import { makeMember, newGroup, operationBy, type TestMember } from './group-test-kit.js';
import { InMemoryKeyValueStore } from './key-value-store.js';
import type { RosterLog } from './roster-log.js';
import type { Roster } from './roster.js';
import { GroupSenderKeys } from './sender-keys.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const read = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Each member sends their distribution to the recipients it names, as the 1:1 sessions would carry it. */
async function distributeAll(members: readonly TestMember[], roster: Roster, previous?: Roster): Promise<void> {
  for (const sender of members) {
    const distribution = previous === undefined ? await sender.senderKeys.distribution(roster) : await sender.senderKeys.rekey(previous, roster);
    for (const recipient of members.filter((member) => distribution.recipients.includes(member.address))) {
      await recipient.senderKeys.processDistribution(roster, sender.address, distribution.message);
    }
  }
}

async function fourMemberGroup(): Promise<{ log: RosterLog; alice: TestMember; bob: TestMember; carol: TestMember; dave: TestMember }> {
  const [alice, bob, carol, dave] = ['Alice', 'Bob', 'Carol', 'Dave'].map(makeMember) as [TestMember, TestMember, TestMember, TestMember];
  const log = newGroup(alice, 'Four');
  for (const member of [bob, carol, dave]) log.accept(operationBy(alice, log, { kind: 'add', member: member.card, role: 'member' }));
  await distributeAll([alice, bob, carol, dave], log.roster);
  return { log, alice, bob, carol, dave };
}

describe('GroupSenderKeys', () => {
  it('one encryption is read by all three other members, from every sender', async () => {
    const { log, alice, bob, carol, dave } = await fourMemberGroup();
    const members = [alice, bob, carol, dave];
    for (const sender of members) {
      const ciphertext = await sender.senderKeys.encrypt(log.roster, text(`hello from ${sender.name}`));
      for (const receiver of members.filter((member) => member !== sender)) {
        const received = await receiver.senderKeys.decrypt(log.roster, sender.address, ciphertext);
        expect(read(received.plaintext)).toBe(`hello from ${sender.name}`);
        expect(received.key).toMatchObject({ sender: sender.address, distributionId: distributionIdFor(log.roster), iteration: 0 });
      }
    }
  });

  it('after Dave is removed and everyone re-keys, Dave cannot read what is sent, the others can, and Dave is refused', async () => {
    const { log, alice, bob, carol, dave } = await fourMemberGroup();
    const before = log.roster;
    const daveSentEarlier = await dave.senderKeys.encrypt(before, text('still in'));
    log.accept(operationBy(alice, log, { kind: 'remove', member: dave.address }));
    const after = log.roster;
    expect(distributionIdFor(after)).not.toBe(distributionIdFor(before));

    const remaining = [alice, bob, carol];
    for (const member of remaining) expect((await member.senderKeys.rekey(before, after)).recipients).not.toContain(dave.address);
    await distributeAll(remaining, after, before);

    const ciphertext = await alice.senderKeys.encrypt(after, text('without Dave'));
    expect(read((await bob.senderKeys.decrypt(after, alice.address, ciphertext)).plaintext)).toBe('without Dave');
    expect(read((await carol.senderKeys.decrypt(after, alice.address, ciphertext)).plaintext)).toBe('without Dave');
    // Dave's core still holds the old roster, in which Alice is a member: it is the key that is missing.
    await expect(dave.senderKeys.decrypt(before, alice.address, ciphertext)).rejects.toThrow(MissingSenderKeyError);
    // Dave's frames are refused, whether sent before or after the removal.
    await expect(bob.senderKeys.decrypt(after, dave.address, daveSentEarlier)).rejects.toThrow(NotAGroupMemberError);
    await expect(dave.senderKeys.encrypt(after, text('x'))).rejects.toThrow(NotAGroupMemberError);
    // Alice's old-epoch key is gone: she cannot encrypt with it any more.
    await expect(alice.senderKeys.encrypt(before, text('old keys'))).rejects.toThrow(MissingSenderKeyError);
  });

  it('refuses a replayed message, keeps refusing it after a restart, and still reads the next one', async () => {
    const { log, alice, bob } = await fourMemberGroup();
    const store = new InMemoryKeyValueStore();
    const bobKeys = new GroupSenderKeys(bob.address, store);
    await bobKeys.processDistribution(log.roster, alice.address, (await alice.senderKeys.distribution(log.roster)).message);
    const first = await alice.senderKeys.encrypt(log.roster, text('once'));
    const received = await bobKeys.decrypt(log.roster, alice.address, first);
    await expect(bobKeys.decrypt(log.roster, alice.address, first)).rejects.toThrow(ReplayedGroupMessageError);
    const restarted = new GroupSenderKeys(bob.address, store);
    await expect(restarted.decrypt(log.roster, alice.address, first)).rejects.toThrow(
      expect.objectContaining({ name: 'ReplayedGroupMessageError', dedupKey: `${alice.address}/${received.key.distributionId}/${received.key.chainId}/0` }),
    );
    const second = await alice.senderKeys.encrypt(log.roster, text('twice'));
    expect(read((await restarted.decrypt(log.roster, alice.address, second)).plaintext)).toBe('twice');
  });

  it('reads messages that arrive out of order once each, and refuses each again', async () => {
    const { log, alice, bob } = await fourMemberGroup();
    const sent = [];
    for (let i = 0; i < 4; i++) sent.push(await alice.senderKeys.encrypt(log.roster, text(`m${i}`)));
    for (const index of [0, 3, 1, 2]) expect(read((await bob.senderKeys.decrypt(log.roster, alice.address, sent[index]!)).plaintext)).toBe(`m${index}`);
    for (const ciphertext of sent) await expect(bob.senderKeys.decrypt(log.roster, alice.address, ciphertext)).rejects.toThrow(ReplayedGroupMessageError);
  });

  it('refuses a distribution for another epoch, from a stranger, or malformed', async () => {
    const { log, alice, bob, carol } = await fourMemberGroup();
    const old = await carol.senderKeys.distribution(log.roster);
    const before = log.roster;
    log.accept(operationBy(alice, log, { kind: 'remove', member: carol.address }));
    await expect(bob.senderKeys.processDistribution(log.roster, alice.address, old.message)).rejects.toThrow(StaleDistributionError);
    await expect(bob.senderKeys.processDistribution(log.roster, carol.address, old.message)).rejects.toThrow(NotAGroupMemberError);
    await expect(bob.senderKeys.processDistribution(before, alice.address, Uint8Array.of(1, 2, 3))).rejects.toThrow(GroupFormatError);
    await expect(bob.senderKeys.decrypt(before, alice.address, Uint8Array.of(1, 2, 3))).rejects.toThrow(GroupFormatError);
  });

  it('refuses a message passed off as another member\'s', async () => {
    const { log, bob, carol, dave } = await fourMemberGroup();
    const byCarol = await carol.senderKeys.encrypt(log.roster, text('from Carol'));
    await expect(dave.senderKeys.decrypt(log.roster, bob.address, byCarol)).rejects.toThrow(GroupDecryptionError);
    expect(read((await dave.senderKeys.decrypt(log.roster, carol.address, byCarol)).plaintext)).toBe('from Carol');
  });
});
