// File bubbles: the right actions for each state, previews only from verified bytes and only where the core allows, blob URLs released.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type FileDto } from '../../../../electron/shared/api/index.js';
import { ADDRESSES } from '../../../screenshots/fake-core.js';
import { connectToFakeCore } from '../../test-support/fake-connection.js';
import { ConversationFiles, type FileActions } from '../state/conversation-files.svelte.js';
import { FILE_PROBLEM_WORDS } from '../text/file-words.js';
import FileBubble from './FileBubble.svelte';

const ID = '0123456789abcdef0123456789abcdef';

function file(fields: Partial<FileDto>): FileDto {
  return { id: ID, name: 'holiday.png', size: 2048, mime: 'image/png', state: 'received', bytes: 2048, ...fields };
}

function fakeActions(): FileActions & { [K in 'accept' | 'cancel' | 'retry' | 'save' | 'read']: ReturnType<typeof vi.fn> } {
  return {
    bytesOf: (f: { bytes: number }) => f.bytes,
    accept: vi.fn(() => Promise.resolve()),
    cancel: vi.fn(() => Promise.resolve()),
    retry: vi.fn(() => Promise.resolve()),
    save: vi.fn(() => Promise.resolve('/home/you/Downloads/holiday (1).png')),
    read: vi.fn(() => Promise.resolve(new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }))),
  };
}

let urls = 0;
const created: string[] = [];
const revoked: string[] = [];

beforeEach(() => {
  created.length = 0;
  revoked.length = 0;
  // jsdom has no object URLs; these stand-ins record what the bubble makes and releases.
  URL.createObjectURL = (): string => {
    const url = `blob:allium/${String((urls += 1))}`;
    created.push(url);
    return url;
  };
  URL.revokeObjectURL = (url: string): void => void revoked.push(url);
});

afterEach(() => vi.restoreAllMocks());

describe('FileBubble', () => {
  it('offers accept and decline for an incoming offer, and passes the file id on', async () => {
    const actions = fakeActions();
    render(FileBubble, { props: { file: file({ state: 'offered', bytes: 0, size: 48 * 1024 * 1024, mime: 'application/pdf', name: 'slides.pdf' }), direction: 'in', actions } });
    expect(screen.getByText('slides.pdf')).toBeInTheDocument();
    expect(screen.getByText(/48 MB/)).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
    expect(actions.accept).toHaveBeenCalledWith(ID);
    await fireEvent.click(screen.getByRole('button', { name: 'Decline' }));
    expect(actions.cancel).toHaveBeenCalledWith(ID);
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(actions.read).not.toHaveBeenCalled();
  });

  it('shows an image preview from the read bytes, enlarges it on click, and revokes the URL when it goes away', async () => {
    const actions = fakeActions();
    const { unmount } = render(FileBubble, { props: { file: file({ preview: 'image' }), direction: 'in', actions } });
    const image = await screen.findByRole('img', { name: 'holiday.png' });
    expect(actions.read).toHaveBeenCalledWith(ID, 2048, 'image/png', 32 * 1024 * 1024);
    expect(image.getAttribute('src')).toBe(created[0]);
    expect(image.getAttribute('src')).toMatch(/^blob:/);
    await fireEvent.click(screen.getByRole('button', { name: 'Enlarge holiday.png' }));
    const viewer = screen.getByRole('dialog', { name: 'holiday.png' });
    expect(viewer.querySelector('img')?.getAttribute('src')).toBe(created[0]);
    await fireEvent.keyDown(viewer, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(revoked).toEqual([]);
    unmount();
    expect(revoked).toEqual([created[0]]);
  });

  it('never previews a file without `preview`: an SVG is only offered to save', async () => {
    const actions = fakeActions();
    render(FileBubble, { props: { file: file({ name: 'plan.svg', mime: 'image/svg+xml' }), direction: 'in', actions } });
    expect(screen.getByRole('button', { name: 'Save' })).toBeInTheDocument();
    await Promise.resolve();
    expect(actions.read).not.toHaveBeenCalled();
    expect(document.querySelector('img, audio, video')).toBeNull();
  });

  it('does not read a previewable file until it is complete', () => {
    const actions = fakeActions();
    render(FileBubble, { props: { file: file({ preview: 'image', state: 'receiving', bytes: 512 }), direction: 'in', actions } });
    expect(actions.read).not.toHaveBeenCalled();
    expect(screen.getByRole('progressbar', { name: 'Transfer of holiday.png' })).toHaveAttribute('value', '512');
    expect(screen.getByText(/Receiving… 25%/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeInTheDocument();
  });

  it('plays audio only when asked: a player without autoplay', async () => {
    const actions = fakeActions();
    render(FileBubble, { props: { file: file({ name: 'chime.wav', mime: 'audio/wav', preview: 'audio' }), direction: 'in', actions } });
    await waitFor(() => expect(document.querySelector('audio')).not.toBeNull());
    const audio = document.querySelector('audio');
    expect(audio?.getAttribute('src')).toBe(created[0]);
    expect(audio?.hasAttribute('autoplay')).toBe(false);
    expect(audio?.hasAttribute('controls')).toBe(true);
  });

  it('saves into the downloads folder and says where', async () => {
    const actions = fakeActions();
    render(FileBubble, { props: { file: file({}), direction: 'in', actions } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Saved to /home/you/Downloads/holiday (1).png');
    expect(actions.save).toHaveBeenCalledWith(ID);
  });

  it('"Save as…" reads the bytes and offers them as a download under the safe name, never to be rendered', async () => {
    const actions = fakeActions();
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    render(FileBubble, { props: { file: file({ name: 'report.pdf', mime: 'application/pdf' }), direction: 'in', actions } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save as…' }));
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(actions.read).toHaveBeenCalledWith(ID, 2048, 'application/pdf');
    expect(clicked[0]?.download).toBe('report.pdf');
    expect(clicked[0]?.href).toBe(created.at(-1));
  });

  it('explains a failure and retries it', async () => {
    const actions = fakeActions();
    render(FileBubble, { props: { file: file({ state: 'failed', error: 'the sender went offline', bytes: 100 }), direction: 'in', actions } });
    expect(screen.getByText(/Failed: the sender went offline/)).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(actions.retry).toHaveBeenCalledWith(ID);
  });

  it('says in its own words that a file was altered on the way, whatever the core wrote', () => {
    render(FileBubble, { props: { file: file({ state: 'failed', problem: 'altered', error: 'core words', bytes: 0 }), direction: 'in', actions: fakeActions() } });
    expect(screen.getByText(`Failed: ${FILE_PROBLEM_WORDS.altered}`)).toBeInTheDocument();
    expect(screen.getByText(/the file was altered on the way/)).toBeInTheDocument();
    expect(screen.queryByText(/core words/)).toBeNull();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it.each(['over-budget', 'low-disk'] as const)('says why a small file waits for Accept (%s) and still offers it', async (problem) => {
    const actions = fakeActions();
    render(FileBubble, { props: { file: file({ state: 'offered', problem, bytes: 0 }), direction: 'in', actions } });
    expect(screen.getByText(FILE_PROBLEM_WORDS[problem])).toBeInTheDocument();
    expect(screen.queryByText(/Larger than your automatic download size/)).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
    expect(actions.accept).toHaveBeenCalledWith(ID);
  });

  it('shows an action’s error in words', async () => {
    const actions = fakeActions();
    actions.save.mockRejectedValueOnce(new ApiError('file-not-found', 'gone'));
    render(FileBubble, { props: { file: file({}), direction: 'out', actions } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This file is no longer here');
  });

  it('lets me stop my own offer before it is fetched', async () => {
    const actions = fakeActions();
    render(FileBubble, { props: { file: file({ state: 'offered', bytes: 0 }), direction: 'out', actions } });
    expect(screen.getByText(/Waiting for them to accept/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Accept' })).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(actions.cancel).toHaveBeenCalledWith(ID);
  });

  it('follows file.progress events for its file', async () => {
    const { core, connection } = connectToFakeCore();
    const files = new ConversationFiles(connection, ADDRESSES.alice, () => undefined);
    render(FileBubble, { props: { file: file({ state: 'receiving', bytes: 0, size: 1000 }), direction: 'in', actions: files } });
    const bar = screen.getByRole('progressbar', { name: 'Transfer of holiday.png' });
    expect(bar).toHaveAttribute('value', '0');
    core.emit({ name: 'file.progress', payload: { conversation: ADDRESSES.alice, id: ID, bytes: 400, total: 1000 } });
    await waitFor(() => expect(bar).toHaveAttribute('value', '400'));
    // Another conversation's progress is not this file's.
    core.emit({ name: 'file.progress', payload: { conversation: ADDRESSES.bob, id: ID, bytes: 900, total: 1000 } });
    core.emit({ name: 'file.progress', payload: { conversation: ADDRESSES.alice, id: ID, bytes: 700, total: 1000 } });
    await waitFor(() => expect(bar).toHaveAttribute('value', '700'));
    expect(screen.getByText(/Receiving… 70%/)).toBeInTheDocument();
    files.dispose();
  });

  it('only describes the file where files cannot be handled', () => {
    render(FileBubble, { props: { file: file({ preview: 'image' }), direction: 'in' } });
    expect(screen.getByText('holiday.png')).toBeInTheDocument();
    expect(screen.queryByRole('button')).toBeNull();
    expect(document.querySelector('img')).toBeNull();
  });
});
