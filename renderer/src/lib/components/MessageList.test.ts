// The message list shows every message as plain text, with day separators, states, retry, and only a window of rows.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { MessageDto } from '../../../../electron/shared/api/index.js';
import { HOSTILE_TEXTS } from './hostile-text.js';
import MessageList from './MessageList.svelte';

const base = new Date(2026, 0, 5, 10, 0).getTime();

function message(index: number, overrides: Partial<MessageDto> = {}): MessageDto {
  return {
    id: `m${index}`,
    conversation: 'peer',
    direction: index % 2 === 0 ? 'in' : 'out',
    text: `message number ${index}`,
    sentAt: new Date(base + index * 60_000).toISOString(),
    state: 'delivered',
    ...overrides,
  };
}

function show(messages: MessageDto[], extra: { onretry?: (id: string) => void; onopenlink?: (url: string) => void } = {}) {
  return render(MessageList, {
    props: {
      messages,
      hasMore: false,
      loading: false,
      label: 'Conversation with Alice',
      onloadolder: () => Promise.resolve(),
      onretry: extra.onretry ?? (() => undefined),
      onopenlink: extra.onopenlink ?? (() => undefined),
    },
  });
}

describe('MessageList', () => {
  it('renders hostile text exactly as text: no elements from markup, nothing lost', () => {
    // The very long one last: rows below a tall row are virtualised away, as they should be.
    const { long, ...short } = HOSTILE_TEXTS;
    const texts = [...Object.values(short), long];
    const { container } = show(texts.map((text, index) => message(index, { text })));
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    const paragraphs = [...container.querySelectorAll('p.text')].map((p) => p.textContent);
    expect(paragraphs).toEqual(texts);
    for (const p of container.querySelectorAll('p.text')) expect(p).toHaveAttribute('dir', 'auto');
  });

  it('puts a day separator before each new day', () => {
    const { container } = show([message(1), message(2, { sentAt: new Date(base + 86_400_000).toISOString() })]);
    expect(container.querySelectorAll('h3.day')).toHaveLength(2);
  });

  it('shows the state of my messages and offers retry on failure', async () => {
    const onretry = vi.fn<(id: string) => void>();
    show(
      [
        message(1, { state: 'queued' }),
        message(3, { state: 'sent' }),
        message(5, { state: 'delivered' }),
        message(7, { state: 'failed', error: 'Alice is offline' }),
      ],
      { onretry },
    );
    expect(screen.getByText('Waiting to send')).toBeInTheDocument();
    expect(screen.getByText('Sent')).toBeInTheDocument();
    expect(screen.getByText('Delivered')).toBeInTheDocument();
    expect(screen.getByText('Not delivered')).toBeInTheDocument();
    expect(screen.getByText('Alice is offline')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onretry).toHaveBeenCalledWith('m7');
  });

  it('shows links as buttons that ask first; javascript: is never a link', async () => {
    const onopenlink = vi.fn<(url: string) => void>();
    const { container } = show([message(2, { text: 'look https://example.org/x. and javascript:alert(1)' })], { onopenlink });
    expect(container.querySelector('a')).toBeNull();
    const log = screen.getByRole('log', { name: 'Conversation with Alice' });
    await fireEvent.click(within(log).getByRole('button', { name: 'https://example.org/x' }));
    expect(onopenlink).toHaveBeenCalledWith('https://example.org/x');
    expect(within(log).getAllByRole('button')).toHaveLength(1);
  });

  it('keeps only a window of a long history in the DOM', () => {
    const many = Array.from({ length: 5_000 }, (_, index) => message(index));
    const { container } = show(many);
    const rendered = container.querySelectorAll('p.text').length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(200);
  });

  it('says why a message the relay did not take is waiting, without offering a retry', () => {
    show([message(1, { state: 'queued', error: 'The relay did not take it: the relay is full' }), message(3, { state: 'held', heldUntil: Date.UTC(2027, 0, 1) })]);
    expect(screen.getByText('The relay did not take it: the relay is full. It waits until they are online.')).toBeInTheDocument();
    expect(screen.getByText(/^Held by relay until /)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });
});
