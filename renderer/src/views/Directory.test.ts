// The public directory against the fake core: listings with member counts, joining one, creating a public group, errors in words.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { DirectoryDto } from '../../../electron/shared/api/index.js';
import { DIRECTORY_RELAY, GROUP_IDS } from '../../screenshots/fake-groups.js';
import { GroupsState } from '../lib/state/groups.svelte.js';
import { connectToFakeCore } from '../test-support/fake-connection.js';
import Directory from './Directory.svelte';

async function directory(answer?: DirectoryDto) {
  const { core, connection } = connectToFakeCore();
  if (answer !== undefined) vi.spyOn(core.handlers, 'groups.directory').mockResolvedValue(answer);
  const groups = new GroupsState(connection);
  await groups.load();
  const onopened = vi.fn();
  render(Directory, { props: { groups, onopened } });
  const list = await screen.findByRole('list', { name: 'Public groups' });
  return { groups, onopened, list };
}

describe('Directory', () => {
  it('lists the public groups with member counts, policy and which I joined', async () => {
    const { list } = await directory();
    const privacy = within(list).getByRole('listitem', { name: 'privacy-news' });
    expect(privacy).toHaveTextContent('318 members');
    expect(privacy).toHaveTextContent('Anyone may join');
    expect(within(within(list).getByRole('listitem', { name: 'reading-group' })).getByText('Joined')).toBeInTheDocument();
    expect(within(within(list).getByRole('listitem', { name: 'reading-group' })).queryByRole('button')).toBeNull();
  });

  it('joins a listed group and opens it', async () => {
    const { groups, onopened, list } = await directory();
    await fireEvent.click(within(list).getByRole('button', { name: 'Join privacy-news' }));
    await expect.poll(() => onopened.mock.calls).toEqual([[GROUP_IDS.privacy]]);
    expect(groups.find(GROUP_IDS.privacy)).toMatchObject({ name: 'privacy-news', standing: 'member' });
  });

  it('creates a public group under a new name, and will not create one under a listed name', async () => {
    const { groups, onopened } = await directory();
    const field = screen.getByLabelText('Public name');
    await fireEvent.input(field, { target: { value: 'privacy-news' } });
    expect(screen.getByRole('button', { name: 'Create public group' })).toBeDisabled();
    expect(screen.getByText(/is listed already/)).toBeInTheDocument();
    await fireEvent.input(field, { target: { value: 'night-owls' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create public group' }));
    await expect.poll(() => onopened.mock.calls.length).toBe(1);
    expect(groups.find(String(onopened.mock.calls[0]?.[0]))).toMatchObject({ name: 'night-owls', myRole: 'owner', listing: { name: 'night-owls' } });
  });

  it('explains a name the directory refuses', async () => {
    await directory();
    await fireEvent.input(screen.getByLabelText('Public name'), { target: { value: 'no spaces!' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Create public group' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/Please check what you entered: .*lower-case letters, digits and hyphens/);
  });

  it('shows what the relays that answered list, and names the relay that failed and why', async () => {
    const other = 'b'.repeat(56);
    const { list } = await directory({
      groups: [{ relay: DIRECTORY_RELAY, name: 'privacy-news', description: '', memberCount: 3, policy: 'open', groupId: GROUP_IDS.privacy, joined: false }],
      failed: [{ relay: other, code: 'relay-unreachable', message: `The relay ${other}.onion could not be reached: socket hang up.` }],
    });
    expect(within(list).getByRole('listitem', { name: 'privacy-news' })).toHaveTextContent('3 members');
    expect(screen.getByRole('alert')).toHaveTextContent(`Not shown: the groups on ${other.slice(0, 16)}….onion. The relay ${other}.onion could not be reached: socket hang up.`);
  });
});
