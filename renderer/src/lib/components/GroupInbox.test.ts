// The group part of the requests inbox: invitations accepted or declined, join requests let in or refused, names as plain text.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, type GroupInvitationDto, type GroupJoinRequestDto } from '../../../../electron/shared/api/index.js';
import GroupInbox from './GroupInbox.svelte';
import { HOSTILE_TEXTS } from './hostile-text.js';

const ADDRESS = '25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid';
const receivedAt = new Date(2026, 0, 5).toISOString();

function invitation(id: string, groupName: string): GroupInvitationDto {
  return { id, groupId: 'a'.repeat(32), groupName, from: ADDRESS, fromName: 'Alice', memberCount: 4, receivedAt };
}

function joinRequest(id: string, name: string): GroupJoinRequestDto {
  return { id, groupId: 'b'.repeat(32), groupName: 'Reading group', address: ADDRESS, name, receivedAt };
}

function setup(invitations: GroupInvitationDto[], joinRequests: GroupJoinRequestDto[], onaccept = vi.fn((_id: string) => Promise.resolve())) {
  const ondecline = vi.fn((_id: string) => Promise.resolve());
  const onanswer = vi.fn((_id: string, _admit: boolean) => Promise.resolve());
  const rendered = render(GroupInbox, { props: { invitations, joinRequests, onaccept, ondecline, onanswer } });
  return { ...rendered, onaccept, ondecline, onanswer };
}

describe('GroupInbox', () => {
  it('accepts and declines the right invitation', async () => {
    const { onaccept, ondecline } = setup([invitation('i1', 'Book swap'), invitation('i2', 'Choir')], []);
    expect(screen.getByRole('listitem', { name: 'Book swap' })).toHaveTextContent('Alice invites you · 4 members');
    await fireEvent.click(within(screen.getByRole('listitem', { name: 'Choir' })).getByRole('button', { name: 'Accept' }));
    expect(onaccept).toHaveBeenCalledWith('i2');
    await fireEvent.click(within(screen.getByRole('listitem', { name: 'Book swap' })).getByRole('button', { name: 'Decline' }));
    expect(ondecline).toHaveBeenCalledWith('i1');
  });

  it('lets in or refuses who asks to join', async () => {
    const { onanswer } = setup([], [joinRequest('j1', 'Erin'), joinRequest('j2', 'Frank')]);
    expect(screen.getByRole('listitem', { name: 'Erin' })).toHaveTextContent('wants to join Reading group');
    await fireEvent.click(within(screen.getByRole('listitem', { name: 'Erin' })).getByRole('button', { name: 'Let in' }));
    expect(onanswer).toHaveBeenLastCalledWith('j1', true);
    await fireEvent.click(within(screen.getByRole('listitem', { name: 'Frank' })).getByRole('button', { name: 'Refuse' }));
    expect(onanswer).toHaveBeenLastCalledWith('j2', false);
  });

  it('explains a failed answer next to the invitation', async () => {
    setup([invitation('i1', 'Book swap')], [], vi.fn(() => Promise.reject(new ApiError('invitation-not-found', 'gone'))));
    await fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This invitation was already answered or withdrawn.');
  });

  it('renders hostile group and person names as plain text', () => {
    const texts = Object.values(HOSTILE_TEXTS);
    const { container } = setup(
      texts.map((text, index) => invitation(`i${index}`, text)),
      texts.map((text, index) => joinRequest(`j${index}`, text)),
    );
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect([...container.querySelectorAll('h4.name')].map((h) => h.textContent)).toEqual([...texts, ...texts]);
  });
});
