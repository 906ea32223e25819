// The sidebar's group list: unread counts, who wrote the last message, and the state of groups I am not (yet) in.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { GroupDto } from '../../../electron/shared/api/index.js';
import GroupList from './GroupList.svelte';

function group(id: string, name: string, fields: Partial<GroupDto>): GroupDto {
  return { id: id.repeat(32), name, standing: 'member', myRole: 'member', members: [], unread: 0, delivery: 'hold', ...fields };
}

const at = new Date(2026, 0, 5, 9, 30).toISOString();

describe('GroupList', () => {
  it('shows unread counts and the last message with its sender', () => {
    render(GroupList, {
      props: {
        groups: [
          group('a', 'Reading group', { unread: 3, lastMessage: { text: 'Same time next week?', at, direction: 'in', senderName: 'Dana' } }),
          group('b', 'Climbing', { unread: 120, lastMessage: { text: 'Rope is packed', at, direction: 'out', senderName: 'Sam' } }),
          group('c', 'Quiet one', {}),
        ],
        selected: undefined,
        onselect: vi.fn(),
      },
    });
    const reading = screen.getByRole('button', { name: /Reading group/ });
    expect(within(reading).getByLabelText('3 unread')).toHaveTextContent('3');
    expect(reading).toHaveTextContent('Dana: Same time next week?');
    const climbing = screen.getByRole('button', { name: /Climbing/ });
    expect(within(climbing).getByLabelText('120 unread')).toHaveTextContent('99+');
    expect(climbing).toHaveTextContent('You: Rope is packed');
    expect(within(screen.getByRole('button', { name: /Quiet one/ })).queryByLabelText(/unread/)).toBeNull();
  });

  it('says when I am waiting to be let in or have left, and opens the group chosen', async () => {
    const onselect = vi.fn();
    render(GroupList, {
      props: { groups: [group('d', 'Asked', { standing: 'joining' }), group('e', 'Gone', { standing: 'left' })], selected: 'd'.repeat(32), onselect },
    });
    expect(screen.getByRole('button', { name: /Asked/ })).toHaveTextContent('Waiting to be let in');
    expect(screen.getByRole('button', { name: /Asked/ })).toHaveAttribute('aria-current', 'true');
    await fireEvent.click(screen.getByRole('button', { name: /Gone/ }));
    expect(screen.getByRole('button', { name: /Gone/ })).toHaveTextContent('You left this group');
    expect(onselect).toHaveBeenCalledWith('e'.repeat(32));
  });
});
