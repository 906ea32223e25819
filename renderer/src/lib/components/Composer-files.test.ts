// Attaching files in the composer: picked, pasted and dropped files are uploaded in chunks to the core and offered; errors are explained.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { LIMITS, type MessageDto } from '../../../../electron/shared/api/index.js';
import { ADDRESSES } from '../../../screenshots/fake-core.js';
import { connectToFakeCore } from '../../test-support/fake-connection.js';
import { ConversationFiles } from '../state/conversation-files.svelte.js';
import Composer from './Composer.svelte';

function setup() {
  const { connection } = connectToFakeCore();
  const sent: MessageDto[] = [];
  const files = new ConversationFiles(connection, ADDRESSES.alice, (message) => sent.push(message));
  render(Composer, { props: { label: 'Message Alice', onsend: () => Promise.resolve(), files } });
  return { sent, files };
}

/** A tiny real PNG header, enough for the fake core to sniff a picture. */
const png = (): File => new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])], 'cat.png', { type: 'image/png' });

describe('Composer with files', () => {
  it('uploads a picked file and offers it in the conversation', async () => {
    const { sent } = setup();
    const picker = document.querySelector<HTMLInputElement>('input[type=file]');
    if (picker === null) throw new Error('no file input');
    await fireEvent.change(picker, { target: { files: [png()] } });
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]?.file).toMatchObject({ name: 'cat.png', size: 11, mime: 'image/png', preview: 'image', state: 'offered' });
    expect(sent[0]?.conversation).toBe(ADDRESSES.alice);
    expect(screen.queryByRole('list', { name: 'Files being prepared' })).toBeNull();
  });

  it('sends a pasted image as a file, named when the clipboard gave it no name', async () => {
    const { sent } = setup();
    const pasted = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], '', { type: 'image/png' });
    const event = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'clipboardData', { value: { files: [pasted] } });
    screen.getByLabelText('Message Alice').dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]?.file?.name).toBe('pasted-image.png');
  });

  it('takes files dropped on it', async () => {
    const { sent } = setup();
    await fireEvent.drop(screen.getByLabelText('Message Alice'), { dataTransfer: { files: [png()], types: ['Files'] } });
    await waitFor(() => expect(sent).toHaveLength(1));
  });

  it('explains a file that is too large, and sends nothing', async () => {
    const { sent, files } = setup();
    const huge = png();
    Object.defineProperty(huge, 'size', { value: LIMITS.fileBytes + 1 });
    files.attach([huge]);
    expect(await screen.findByRole('alert')).toHaveTextContent('cat.png: That file is too large. Files up to 256 MiB can be sent.');
    expect(sent).toEqual([]);
  });

  it('shows no attach button where files cannot be sent', () => {
    render(Composer, { props: { label: 'Message Reading group', onsend: () => Promise.resolve() } });
    expect(screen.queryByRole('button', { name: 'Attach files' })).toBeNull();
    expect(document.querySelector('input[type=file]')).toBeNull();
  });
});
