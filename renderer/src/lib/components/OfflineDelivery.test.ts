// The choice beside the composer while a contact is offline: wait, or leave at their relay (unavailable without one, with the reason).
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import OfflineDelivery from './OfflineDelivery.svelte';

describe('OfflineDelivery', () => {
  it('offers the relay when the contact has one, and reports the choice', async () => {
    const onchoose = vi.fn();
    render(OfflineDelivery, { props: { nickname: 'Bob', theirRelay: 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd', choice: 'hold', onchoose } });
    expect(screen.getByRole('radio', { name: 'Wait until Bob is online' })).toBeChecked();
    await fireEvent.click(screen.getByRole('radio', { name: 'Leave at Bob’s relay' }));
    expect(onchoose).toHaveBeenCalledWith('relay');
  });

  it('without a relay, the relay choice is disabled and says why', () => {
    render(OfflineDelivery, { props: { nickname: 'Bob', theirRelay: undefined, choice: 'relay', onchoose: vi.fn() } });
    const relay = screen.getByRole('radio', { name: 'Leave at Bob’s relay' });
    expect(relay).toBeDisabled();
    expect(relay).not.toBeChecked();
    expect(screen.getByRole('radio', { name: 'Wait until Bob is online' })).toBeChecked();
    expect(screen.getByText(/Bob has no relay mailbox for you yet/)).toBeInTheDocument();
  });
});
