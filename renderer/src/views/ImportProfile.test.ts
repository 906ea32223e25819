// Importing a backup: a file far larger than any backup is refused at once, in words, before it is read or sent.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { SessionState } from '../lib/state/session.svelte.js';
import { connectToFakeCore } from '../test-support/fake-connection.js';
import ImportProfile from './ImportProfile.svelte';

/** Puts `file` in the file field as a person picking it would (jsdom has neither a file dialog nor DataTransfer). */
async function pick(input: HTMLInputElement, file: File): Promise<void> {
  const files = { 0: file, length: 1, item: (index: number) => (index === 0 ? file : null) };
  Object.defineProperty(input, 'files', { value: files, configurable: true, writable: true });
  await fireEvent.change(input);
}

describe('ImportProfile', () => {
  it('refuses a file larger than any backup without reading or sending it', async () => {
    const { connection } = connectToFakeCore();
    const session = new SessionState(connection);
    const importBackup = vi.spyOn(session, 'importBackup');
    render(ImportProfile, { props: { session, ondone: () => undefined, oncancel: () => undefined } });

    const huge = new File(['not really 600 MiB'], 'movie.mkv');
    Object.defineProperty(huge, 'size', { value: 600 * 2 ** 20 });
    const read = vi.spyOn(huge, 'arrayBuffer');
    await pick(screen.getByLabelText<HTMLInputElement>('Backup file'), huge);
    await fireEvent.input(screen.getByLabelText('Backup passphrase'), { target: { value: 'backup passphrase 1' } });
    await fireEvent.input(screen.getByLabelText('Profile name on this computer'), { target: { value: 'Home' } });
    await fireEvent.input(screen.getByLabelText('New password for this computer'), { target: { value: 'correct horse battery staple' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Import profile' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('This file is 600 MiB, larger than any Allium backup.');
    expect(read).not.toHaveBeenCalled();
    expect(importBackup).not.toHaveBeenCalled();
  });
});
