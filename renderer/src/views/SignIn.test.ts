// Signing in against the fake core over the real RPC: a wrong password is called wrong, the right one unlocks.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { SessionState } from '../lib/state/session.svelte.js';
import { connectToFakeCore } from '../test-support/fake-connection.js';
import SignIn from './SignIn.svelte';

const profiles = [
  { id: 'p1', label: 'Personal', createdAt: '2026-03-02T10:00:00Z' },
  { id: 'p2', label: 'Work', createdAt: '2026-06-14T10:00:00Z' },
];

async function signInScreen(withProfiles = profiles): Promise<SessionState> {
  const { connection } = connectToFakeCore({ profiles: withProfiles });
  const session = new SessionState(connection);
  await session.load();
  render(SignIn, { props: { session } });
  return session;
}

describe('SignIn', () => {
  it('offers every profile by its label and unlocks the chosen one with the right password', async () => {
    const session = await signInScreen();
    expect(screen.getByRole('radio', { name: /^Personal/ })).toBeChecked();
    await fireEvent.click(screen.getByRole('radio', { name: /^Work/ }));
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'correct horse battery staple' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    await expect.poll(() => session.session?.profile.label).toBe('Work');
  });

  it('says a wrong password is wrong, marks the field and clears it', async () => {
    const session = await signInScreen();
    const password = screen.getByLabelText<HTMLInputElement>('Password');
    await fireEvent.input(password, { target: { value: 'not it' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong password. Check Caps Lock and try again.');
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(password.value).toBe('');
    expect(session.session).toBeNull();
  });

  it('starts on creating a profile when there is none', async () => {
    await signInScreen([]);
    expect(screen.getByRole('heading', { name: 'Create your profile' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create profile' })).toBeDisabled();
  });
});

describe('Deleting a profile from the sign-in screen', () => {
  async function openDelete(label: string): Promise<void> {
    await fireEvent.click(screen.getByRole('radio', { name: new RegExp(`^${label}`) }));
    await fireEvent.click(screen.getByRole('button', { name: `Delete “${label}”…` }));
    expect(screen.getByRole('heading', { name: `Delete “${label}”?` })).toBeInTheDocument();
  }

  it('needs the acknowledgement and the password, and keeps the profile when the password is wrong', async () => {
    const session = await signInScreen();
    await openDelete('Work');
    const erase = screen.getByRole('button', { name: 'Delete profile' });
    await fireEvent.input(screen.getByLabelText('Password of this profile'), { target: { value: 'not it' } });
    expect(erase).toBeDisabled();
    await fireEvent.click(screen.getByRole('checkbox', { name: 'I understand this cannot be undone' }));
    await fireEvent.click(erase);
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong password. Check Caps Lock and try again.');
    expect(session.profiles.map((p) => p.label)).toEqual(['Personal', 'Work']);
  });

  it('erases the chosen profile with the right password and returns to the remaining ones', async () => {
    const session = await signInScreen();
    await openDelete('Work');
    await fireEvent.click(screen.getByRole('checkbox', { name: 'I understand this cannot be undone' }));
    await fireEvent.input(screen.getByLabelText('Password of this profile'), { target: { value: 'correct horse battery staple' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Delete profile' }));
    expect(await screen.findByRole('heading', { name: 'Unlock your profile' })).toBeInTheDocument();
    expect(session.profiles.map((p) => p.label)).toEqual(['Personal']);
    expect(screen.queryByRole('radio', { name: /^Work/ })).toBeNull();
    expect(screen.getByRole('radio', { name: /^Personal/ })).toBeChecked();
  });

  it('goes to creating a profile once the last one is deleted', async () => {
    await signInScreen([profiles[0]!]);
    await openDelete('Personal');
    await fireEvent.click(screen.getByRole('checkbox', { name: 'I understand this cannot be undone' }));
    await fireEvent.input(screen.getByLabelText('Password of this profile'), { target: { value: 'correct horse battery staple' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Delete profile' }));
    expect(await screen.findByRole('heading', { name: 'Create your profile' })).toBeInTheDocument();
  });
});
