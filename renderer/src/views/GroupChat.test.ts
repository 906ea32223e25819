// A group conversation against the fake core: senders' names above their runs, "Delivered to 2 of 3", plain text, closed when I left.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { GROUP_IDS } from '../../screenshots/fake-groups.js';
import { GroupsState } from '../lib/state/groups.svelte.js';
import { connectToFakeCore } from '../test-support/fake-connection.js';
import GroupChat from './GroupChat.svelte';

async function openGroup(id: string) {
  const { connection } = connectToFakeCore();
  const groups = new GroupsState(connection);
  await groups.load();
  const group = groups.find(id);
  if (group === undefined) throw new Error('the fake core seeds this group');
  const rendered = render(GroupChat, { props: { core: connection, group, groups, contacts: [], relays: [], torReady: true, onclosed: vi.fn() } });
  return { connection, groups, ...rendered };
}

describe('GroupChat', () => {
  it('names the sender above the first message of each run, and counts the members my messages reached', async () => {
    const { container } = await openGroup(GROUP_IDS.reading);
    const log = await screen.findByRole('log', { name: 'Conversation in Reading group' });
    await within(log).findByText('Yes, 7 pm at the library.');
    // Alice wrote two in a row: her name once; my own messages carry no name.
    expect([...container.querySelectorAll('.sender')].map((p) => p.textContent)).toEqual(['Alice', 'Bob', 'Dana']);
    expect(within(log).getByText('Delivered to 2 of 3')).toBeInTheDocument();
    expect(within(log).getByText('Delivered to 3 of 3')).toBeInTheDocument();
    expect(within(log).getByText('<b>Same time next week?</b> (this is plain text)')).toBeInTheDocument();
    expect(container.querySelector('.message b')).toBeNull();
  });

  it('sends to the group and follows the delivery count', async () => {
    await openGroup(GROUP_IDS.reading);
    await fireEvent.input(screen.getByLabelText('Message Reading group'), { target: { value: 'Bringing biscuits' } });
    await fireEvent.keyDown(screen.getByLabelText('Message Reading group'), { key: 'Enter' });
    const log = screen.getByRole('log');
    await within(log).findByText('Bringing biscuits');
    await expect.poll(() => within(log).getAllByText('Delivered to 2 of 3').length).toBe(2);
  });

  it('while joining, says in words what the admin answered (an invitation that no longer works)', async () => {
    const { connection } = connectToFakeCore();
    const groups = new GroupsState(connection);
    await groups.load();
    const member = groups.find(GROUP_IDS.reading);
    if (member === undefined) throw new Error('the fake core seeds this group');
    const notice = 'This invitation no longer works: your request now waits for an admin to let you in.';
    const group = { ...member, standing: 'joining' as const, notice };
    render(GroupChat, { props: { core: connection, group, groups, contacts: [], relays: [], torReady: true, onclosed: vi.fn() } });
    expect(screen.getByLabelText('Message Reading group')).toBeDisabled();
    expect(screen.getByText(notice)).toBeInTheDocument();
  });

  it('closes the composer once I left, and says why', async () => {
    const { connection } = connectToFakeCore();
    const groups = new GroupsState(connection);
    await groups.load();
    await groups.leave(GROUP_IDS.climbing);
    const group = groups.find(GROUP_IDS.climbing);
    if (group === undefined) throw new Error('left groups stay listed');
    render(GroupChat, { props: { core: connection, group, groups, contacts: [], relays: [], torReady: true, onclosed: vi.fn() } });
    expect(screen.getByLabelText('Message Climbing Saturday')).toBeDisabled();
    expect(screen.getByText(/You left this group/)).toBeInTheDocument();
  });
});
