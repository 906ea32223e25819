// The request inbox shows who is asking as plain text and answers with accept, reject or block.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, type ContactRequestDto } from '../../../../electron/shared/api/index.js';
import { HOSTILE_TEXTS } from './hostile-text.js';
import RequestInbox from './RequestInbox.svelte';

const ADDRESS = '25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid';

function request(id: string, nickname: string, message: string): ContactRequestDto {
  return { id, address: ADDRESS, nickname, message, receivedAt: new Date(2026, 0, 5).toISOString() };
}

function setup(requests: ContactRequestDto[], onaccept = vi.fn(() => Promise.resolve()), onreject = vi.fn((_id: string, _block: boolean) => Promise.resolve())) {
  const rendered = render(RequestInbox, { props: { requests, onaccept, onreject } });
  return { ...rendered, onaccept, onreject };
}

describe('RequestInbox', () => {
  it('says so when nothing is waiting', () => {
    setup([]);
    expect(screen.getByText(/No requests are waiting/)).toBeInTheDocument();
  });

  it('accepts, rejects and blocks the right request', async () => {
    const { onaccept, onreject } = setup([request('r1', 'Alice', 'hi, it is Alice'), request('r2', 'Bob', '')]);
    const alice = screen.getByRole('listitem', { name: 'Alice' });
    const bob = screen.getByRole('listitem', { name: 'Bob' });
    await fireEvent.click(within(alice).getByRole('button', { name: 'Accept' }));
    expect(onaccept).toHaveBeenCalledWith('r1');
    await fireEvent.click(within(bob).getByRole('button', { name: 'Reject' }));
    expect(onreject).toHaveBeenLastCalledWith('r2', false);
    await fireEvent.click(within(bob).getByRole('button', { name: 'Block' }));
    expect(onreject).toHaveBeenLastCalledWith('r2', true);
    expect(within(alice).getByText('hi, it is Alice')).toBeInTheDocument();
  });

  it('explains a failed answer next to the request', async () => {
    setup([request('r1', 'Alice', '')], vi.fn(() => Promise.reject(new ApiError('request-not-found', 'gone'))));
    await fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This request is no longer waiting');
  });

  it('renders hostile nicknames and messages as plain text', () => {
    const texts = Object.values(HOSTILE_TEXTS);
    const { container } = setup(texts.map((text, index) => request(`r${index}`, text, text)));
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect([...container.querySelectorAll('h3.name')].map((h) => h.textContent)).toEqual(texts);
    expect([...container.querySelectorAll('p.message')].map((p) => p.textContent)).toEqual(texts);
  });
});
