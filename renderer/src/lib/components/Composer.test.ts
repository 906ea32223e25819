// The composer sends on Enter, keeps Shift+Enter as a new line, and keeps the text when sending fails.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../../electron/shared/api/index.js';
import Composer from './Composer.svelte';
import { HOSTILE_TEXTS } from './hostile-text.js';

function setup(onsend: (text: string) => Promise<void> = () => Promise.resolve()) {
  const ontyping = vi.fn<(typing: boolean) => void>();
  const sent: string[] = [];
  render(Composer, {
    props: {
      label: 'Message Alice',
      ontyping,
      onsend: async (text: string) => {
        await onsend(text);
        sent.push(text);
      },
    },
  });
  const box = screen.getByLabelText<HTMLTextAreaElement>('Message Alice');
  return { box, sent, ontyping };
}

describe('Composer', () => {
  it('sends on Enter and empties the box', async () => {
    const { box, sent, ontyping } = setup();
    await fireEvent.input(box, { target: { value: 'hello' } });
    expect(ontyping).toHaveBeenLastCalledWith(true);
    await fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(sent).toEqual(['hello']));
    expect(box.value).toBe('');
    expect(ontyping).toHaveBeenLastCalledWith(false);
  });

  it('stops reporting typing when it goes away mid-sentence', async () => {
    const ontyping = vi.fn<(typing: boolean) => void>();
    const { unmount } = render(Composer, { props: { label: 'Message Alice', ontyping, onsend: () => Promise.resolve() } });
    await fireEvent.input(screen.getByLabelText('Message Alice'), { target: { value: 'half a thou' } });
    expect(ontyping).toHaveBeenLastCalledWith(true);
    unmount();
    expect(ontyping).toHaveBeenLastCalledWith(false);
  });

  it('does not send on Shift+Enter, which is a new line', async () => {
    const { box, sent } = setup();
    await fireEvent.input(box, { target: { value: 'line one' } });
    const event = new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, cancelable: true, bubbles: true });
    box.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
    expect(sent).toEqual([]);
  });

  it('does not send blank text', async () => {
    const { box, sent } = setup();
    await fireEvent.input(box, { target: { value: '  \n ' } });
    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(sent).toEqual([]);
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
  });

  it('keeps the text and explains the failure when sending fails', async () => {
    const { box } = setup(() => Promise.reject(new ApiError('tor-unavailable', 'tor is down')));
    await fireEvent.input(box, { target: { value: 'important' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Tor is not connected');
    expect(box.value).toBe('important');
  });

  it('passes hostile text through unchanged, as text', async () => {
    for (const text of Object.values(HOSTILE_TEXTS)) {
      const { box, sent } = setup();
      await fireEvent.input(box, { target: { value: text } });
      await fireEvent.keyDown(box, { key: 'Enter' });
      await waitFor(() => expect(sent).toEqual([text]));
      expect(document.querySelector('img, script:not([src])')).toBeNull();
      document.body.innerHTML = '';
    }
  });
});
