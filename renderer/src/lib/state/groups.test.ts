// Groups state over the real RPC client and server, answered by the screenshot fake core: loading, events, group conversations.
import { describe, expect, it } from 'vitest';
import { GROUP_IDS } from '../../../screenshots/fake-groups.js';
import { connectToFakeCore } from '../../test-support/fake-connection.js';
import { ConversationState } from './conversation.svelte.js';
import { GroupsState } from './groups.svelte.js';

async function loaded() {
  const { core, connection } = connectToFakeCore();
  const groups = new GroupsState(connection);
  await groups.load();
  return { core, connection, groups };
}

describe('GroupsState', () => {
  it('loads groups newest conversation first, with the invitations and join requests waiting', async () => {
    const { groups } = await loaded();
    expect(groups.sorted.map((g) => g.name)).toEqual(['Reading group', 'Climbing Saturday']);
    expect(groups.waiting).toBe(2);
    groups.dispose();
  });

  it('follows the core’s events: a new group, an updated one, a removed one, an answered invitation', async () => {
    const { core, connection, groups } = await loaded();
    // The core's own copy: the state's is a reactive proxy, which cannot cross the channel.
    const reading = (await connection.api['groups.list']({})).find((g) => g.id === GROUP_IDS.reading);
    if (reading === undefined) throw new Error('the fake core seeds the reading group');
    core.emit({ name: 'group.updated', payload: { ...reading, unread: 7 } });
    core.emit({ name: 'group.updated', payload: { ...reading, id: 'f'.repeat(32), name: 'New one', unread: 0 } });
    core.emit({ name: 'group.removed', payload: { id: GROUP_IDS.climbing } });
    core.emit({ name: 'group.invitation.removed', payload: { id: 'invitation-1' } });
    await expect.poll(() => groups.groups.map((g) => [g.name, g.unread])).toEqual([
      ['Reading group', 7],
      ['New one', 0],
    ]);
    expect(groups.invitations).toEqual([]);
    groups.dispose();
  });

  it('creates a group, and leaving then deleting it takes it off the list', async () => {
    const { groups } = await loaded();
    const created = await groups.create('  Hiking  ');
    expect(groups.find(created.id)).toMatchObject({ name: 'Hiking', myRole: 'owner', standing: 'member' });
    await groups.leave(created.id);
    expect(groups.find(created.id)?.standing).toBe('left');
    await groups.remove(created.id);
    expect(groups.find(created.id)).toBeUndefined();
    groups.dispose();
  });
});

describe('a group conversation', () => {
  it('loads the group’s history with senders and follows how many members stored what I sent', async () => {
    const { connection } = await loaded();
    const conversation = new ConversationState(connection, GROUP_IDS.reading, 'group');
    await conversation.loadOlder();
    expect(conversation.messages.map((m) => m.sender?.name)).toEqual(['Alice', 'Alice', 'Bob', 'Sam', 'Dana', 'Sam']);
    await conversation.send('See you there');
    expect(conversation.messages.at(-1)).toMatchObject({ text: 'See you there', delivery: { delivered: 0, total: 3 } });
    // Alice and Bob are online in the fake core, Dana is not.
    await expect.poll(() => conversation.messages.at(-1)?.delivery).toEqual({ delivered: 2, total: 3 });
    conversation.dispose();
  });

  it('marks the group read through the groups command', async () => {
    const { connection, groups } = await loaded();
    const conversation = new ConversationState(connection, GROUP_IDS.reading, 'group');
    expect(groups.find(GROUP_IDS.reading)?.unread).toBe(3);
    await conversation.markRead();
    await expect.poll(() => groups.find(GROUP_IDS.reading)?.unread).toBe(0);
    conversation.dispose();
    groups.dispose();
  });
});
