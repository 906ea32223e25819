// What waits in a group leaves it exactly once: the envelope that applied, never a neighbour.
import { describe, expect, it } from 'vitest';
import { dropWaiting } from './group-receive.js';

const at = '2026-12-02T12:00:00.000Z';
const item = (from: string, byte: number) => ({ from, at, envelope: new Uint8Array([byte]) });

describe('dropWaiting', () => {
  it('takes out the envelope that applied when two from one sender share a millisecond', () => {
    const waiting = [item('bob', 1), item('bob', 2), item('carol', 3)];
    dropWaiting(waiting, item('bob', 2));
    expect(waiting.map((w) => w.envelope[0])).toEqual([1, 3]);
  });

  it('removes nothing when the envelope is gone already', () => {
    const waiting = [item('bob', 1), item('carol', 3)];
    dropWaiting(waiting, item('dave', 9));
    expect(waiting.map((w) => w.envelope[0])).toEqual([1, 3]);
  });
});
