// Settings: in web mode turning notifications on asks the browser (a refusal is explained); the Files section saves its choices.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionState } from '../lib/state/session.svelte.js';
import { SettingsState } from '../lib/state/settings.svelte.js';
import { connectToFakeCore } from '../test-support/fake-connection.js';
import Settings from './Settings.svelte';

/** The browser's permission prompt, answered by the test: jsdom has no Notification API. */
function browserThatAnswers(answer: NotificationPermission) {
  const requestPermission = vi.fn(() => Promise.resolve(answer));
  vi.stubGlobal('Notification', { permission: 'default', requestPermission });
  return requestPermission;
}

async function settingsScreen(transport: 'electron' | 'web') {
  const { connection } = connectToFakeCore({ profiles: [{ id: 'p1', label: 'Personal', createdAt: '2026-03-02T10:00:00Z' }] });
  const session = new SessionState(connection, transport);
  await session.unlock('p1', 'correct horse battery staple');
  await connection.api['settings.update']({ notifications: { enabled: false, showContent: false } });
  const settings = new SettingsState(connection);
  await settings.load();
  render(Settings, { props: { session, settings, focusTor: false } });
  return settings;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Settings › Notifications', () => {
  it('in web mode, asks the browser when notifications are turned on and explains a refusal', async () => {
    const requestPermission = browserThatAnswers('denied');
    const settings = await settingsScreen('web');
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Notify me of new messages and requests' }));
    expect(requestPermission).toHaveBeenCalledTimes(1);
    await expect.poll(() => settings.settings?.notifications.enabled).toBe(true);
    expect(await screen.findByText(/This browser blocks notifications from Allium’s page/)).toBeInTheDocument();
  });

  it('in Electron, leaves the browser permission alone: main shows notifications', async () => {
    const requestPermission = browserThatAnswers('granted');
    const settings = await settingsScreen('electron');
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Notify me of new messages and requests' }));
    await expect.poll(() => settings.settings?.notifications.enabled).toBe(true);
    expect(requestPermission).not.toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Allow notifications' })).toBeNull();
  });
});

describe('Settings › Files', () => {
  it('saves the automatic download size and the downloads folder', async () => {
    const settings = await settingsScreen('electron');
    const size = screen.getByLabelText<HTMLSelectElement>('Download automatically up to');
    expect(size.value).toBe(String(25 * 1024 * 1024));
    await fireEvent.change(size, { target: { value: '0' } });
    await vi.waitFor(() => expect(settings.settings?.autoAcceptBytes).toBe(0));
    expect(screen.getByRole('option', { name: 'Off: always ask' })).toBeInTheDocument();
    const folder = screen.getByLabelText<HTMLInputElement>('Downloads folder');
    expect(folder.value).toBe('/home/you/Downloads');
    await fireEvent.input(folder, { target: { value: '/media/usb/allium' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save folder' }));
    await vi.waitFor(() => expect(settings.settings?.downloadsDir).toBe('/media/usb/allium'));
    expect(await screen.findByText('Downloads folder saved.')).toHaveAttribute('role', 'status');
  });
});
