// Day separators: one before each new local day, labelled Today / Yesterday / a date.
import { describe, expect, it } from 'vitest';
import type { MessageDto } from '../../../../electron/shared/api/index.js';
import { withDaySeparators } from './days.js';

function message(id: string, sentAt: Date): MessageDto {
  return { id, conversation: 'c', direction: 'in', text: id, sentAt: sentAt.toISOString(), state: 'delivered' };
}

describe('withDaySeparators', () => {
  it('puts one separator before the first message of each day', () => {
    const now = new Date(2026, 10, 21, 15, 0);
    const rows = withDaySeparators(
      [
        message('a', new Date(2026, 10, 10, 9, 0)),
        message('b', new Date(2026, 10, 20, 9, 0)),
        message('c', new Date(2026, 10, 20, 23, 0)),
        message('d', new Date(2026, 10, 21, 0, 5)),
      ],
      now,
    );
    expect(rows.map((row) => (row.kind === 'day' ? `[${row.label}]` : row.message.id))).toEqual([
      `[${new Date(2026, 10, 10).toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' })}]`,
      'a',
      '[Yesterday]',
      'b',
      'c',
      '[Today]',
      'd',
    ]);
  });
});
