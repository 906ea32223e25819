// Settings → Relays: adding a relay by invitation, a typo explained, removing after a confirmation, the default choice saved.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { SettingsState } from '../lib/state/settings.svelte.js';
import { connectToFakeCore } from '../test-support/fake-connection.js';
import RelaySettings from './RelaySettings.svelte';

const RELAY = 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd';

async function relaysScreen(relays: string[] = []) {
  const { connection } = connectToFakeCore();
  for (const address of relays) await connection.api['relays.add']({ address });
  const settings = new SettingsState(connection);
  await settings.load();
  render(RelaySettings, { props: { core: connection, settings } });
  return { connection, settings };
}

describe('RelaySettings', () => {
  it('adds a relay by its invitation and shows it reachable', async () => {
    const { connection } = await relaysScreen();
    expect(await screen.findByText(/No relay yet/)).toBeInTheDocument();
    await fireEvent.input(screen.getByLabelText('Relay address or invitation'), { target: { value: `  allium-relay:${RELAY}.onion ` } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add relay' }));
    expect(await screen.findByText(/Reachable · 0\s+mailboxes/)).toBeInTheDocument();
    expect(await connection.api['relays.list']({})).toMatchObject([{ address: RELAY }]);
    expect(screen.getByLabelText<HTMLInputElement>('Relay address or invitation').value).toBe('');
  });

  it('explains a typo and keeps what was typed', async () => {
    await relaysScreen();
    const field = screen.getByLabelText<HTMLInputElement>('Relay address or invitation');
    await fireEvent.input(field, { target: { value: `allium-relay:${RELAY.slice(0, 55)}x.onion` } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add relay' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/That is not a relay address or invitation/);
    expect(field.value).toContain('allium-relay:');
  });

  it('removes a relay only after the confirmation', async () => {
    const { connection } = await relaysScreen([RELAY]);
    await fireEvent.click(await screen.findByRole('button', { name: 'Remove' }));
    expect(await screen.findByText(/Your mailboxes on it are closed/)).toBeInTheDocument();
    expect(await connection.api['relays.list']({})).toHaveLength(1);
    const dialogRemove = screen.getAllByRole('button', { name: 'Remove' }).at(-1);
    await fireEvent.click(dialogRemove!);
    await expect.poll(async () => (await connection.api['relays.list']({})).length).toBe(0);
  });

  it('saves the default for offline contacts', async () => {
    const { settings } = await relaysScreen();
    expect(settings.settings?.defaultDelivery).toBe('hold');
    await fireEvent.click(screen.getByRole('radio', { name: /Leave messages at their relay/ }));
    await expect.poll(() => settings.settings?.defaultDelivery).toBe('relay');
  });
});
