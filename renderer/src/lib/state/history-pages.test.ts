// Older pages go before what is shown, oldest first, without duplicating messages already there.
import { describe, expect, it } from 'vitest';
import type { MessageDto } from '../../../../electron/shared/api/index.js';
import { prependPage } from './history-pages.js';

const message = (id: string): MessageDto => ({ id, conversation: 'c', direction: 'in', text: id, sentAt: '2026-01-01T00:00:00Z', state: 'delivered' });

describe('prependPage', () => {
  it('reverses the newest-first page and puts it before the shown messages', () => {
    expect(prependPage([message('c'), message('d')], [message('b'), message('a')]).map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('skips messages already shown', () => {
    expect(prependPage([message('b'), message('c')], [message('b'), message('a')]).map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });
});
