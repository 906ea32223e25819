// Group details against the fake core: what an owner may do, what a plain member is not offered, leaving after a confirmation.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { ADDRESSES } from '../../screenshots/fake-core.js';
import { DIRECTORY_RELAY, GROUP_IDS } from '../../screenshots/fake-groups.js';
import { ContactsState } from '../lib/state/contacts.svelte.js';
import { GroupsState } from '../lib/state/groups.svelte.js';
import { connectToFakeCore } from '../test-support/fake-connection.js';
import GroupDetails from './GroupDetails.svelte';

async function details(id: string, relays: string[] = []) {
  const { connection } = connectToFakeCore();
  const groups = new GroupsState(connection);
  const contacts = new ContactsState(connection);
  await connection.api['profiles.create']({ label: 'Test', nickname: 'Sam', password: 'correct horse battery staple' });
  await connection.api['profiles.unlock']({ profileId: 'profile-1', password: 'correct horse battery staple' });
  await Promise.all([groups.load(), contacts.load()]);
  const group = groups.find(id);
  if (group === undefined) throw new Error('the fake core seeds this group');
  render(GroupDetails, { props: { group, groups, contacts: contacts.contacts, relays, onclosed: vi.fn() } });
  const members = async () => (await connection.api['groups.list']({})).find((g) => g.id === id)?.members ?? [];
  return { connection, members };
}

describe('GroupDetails', () => {
  it('lists members with their roles and presence', async () => {
    await details(GROUP_IDS.reading);
    const list = screen.getByRole('list', { name: 'Members' });
    expect(within(list).getByRole('listitem', { name: 'Sam' })).toHaveTextContent('Owner');
    expect(within(list).getByRole('listitem', { name: 'Alice' })).toHaveTextContent('Admin');
    expect(within(within(list).getByRole('listitem', { name: 'Bob' })).getByRole('img', { name: 'Away' })).toBeInTheDocument();
    expect(within(within(list).getByRole('listitem', { name: 'Dana' })).getByRole('img', { name: 'Offline' })).toBeInTheDocument();
  });

  it('offers an owner to add, remove, promote, rename and share a link', async () => {
    const { members } = await details(GROUP_IDS.reading);
    expect(screen.getByRole('button', { name: 'Copy invitation link' })).toBeInTheDocument();
    expect(screen.getByLabelText('Group name')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Remove Sam' })).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Make Bob an admin' }));
    await expect.poll(async () => (await members()).find((m) => m.address === ADDRESSES.bob)?.role).toBe('admin');
    await fireEvent.click(screen.getByRole('button', { name: 'Remove Dana' }));
    await expect.poll(async () => (await members()).map((m) => m.name)).toEqual(['Sam', 'Alice', 'Bob']);
  });

  it('offers a plain member none of the admin actions', async () => {
    await details(GROUP_IDS.climbing);
    expect(screen.getByRole('list', { name: 'Members' })).toHaveTextContent('Carol');
    expect(screen.queryByRole('button', { name: 'Copy invitation link' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add member' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Remove / })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Make / })).toBeNull();
    expect(screen.queryByLabelText('Group name')).toBeNull();
    expect(screen.getByRole('button', { name: 'Leave group' })).toBeInTheDocument();
  });

  it('leaves only after the confirmation', async () => {
    const { connection } = await details(GROUP_IDS.climbing);
    const standing = async () => (await connection.api['groups.list']({})).find((g) => g.id === GROUP_IDS.climbing)?.standing;
    await fireEvent.click(screen.getByRole('button', { name: 'Leave group' }));
    expect(await screen.findByText(/no longer receive its messages/)).toBeInTheDocument();
    expect(await standing()).toBe('member');
    await fireEvent.click(screen.getByRole('button', { name: 'Leave' }));
    await expect.poll(standing).toBe('left');
  });

  it('lets the owner update the public listing and stop it', async () => {
    const { connection } = await details(GROUP_IDS.reading, [DIRECTORY_RELAY]);
    const listing = async () => (await connection.api['groups.list']({})).find((g) => g.id === GROUP_IDS.reading)?.listing;
    expect(screen.getByLabelText<HTMLInputElement>('Public name').value).toBe('reading-group');
    await fireEvent.input(screen.getByLabelText('Description'), { target: { value: 'Two books a month now.' } });
    await fireEvent.click(screen.getByRole('radio', { name: 'Anyone may join' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Update listing' }));
    await expect.poll(listing).toMatchObject({ name: 'reading-group', description: 'Two books a month now.', policy: 'open', relay: DIRECTORY_RELAY });
    await fireEvent.click(screen.getByRole('button', { name: 'Stop listing' }));
    await expect.poll(listing).toBeUndefined();
    expect((await connection.api['groups.directory']({})).groups.map((entry) => entry.name)).not.toContain('reading-group');
  });
});
