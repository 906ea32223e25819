// Per-key serialization: order within a key, independence across keys, failures that do not block the queue.
import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './keyed-queue.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs the tasks of one key one at a time, in the order queued', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string) => async (): Promise<string> => {
      log.push(`start ${name}`);
      await tick();
      await tick();
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([queue.run('a', task('1')), queue.run('a', task('2')), queue.run('a', task('3'))]);
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('lets different keys run side by side', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let release = (): void => undefined;
    const blocked = queue.run('a', () => new Promise<void>((resolve) => (release = resolve)).then(() => log.push('a')));
    await queue.run('b', () => Promise.resolve(log.push('b')));
    expect(log).toEqual(['b']);
    release();
    await blocked;
    expect(log).toEqual(['b', 'a']);
  });

  it('passes a failure to its caller and goes on with the next task', async () => {
    const queue = new KeyedQueue();
    const failing = queue.run('a', () => Promise.reject(new RangeError('boom')));
    const next = queue.run('a', () => Promise.resolve('after'));
    await expect(failing).rejects.toThrow(RangeError);
    await expect(next).resolves.toBe('after');
  });

  it('forgets keys once their tasks are done', async () => {
    const queue = new KeyedQueue();
    await Promise.all([queue.run('a', () => Promise.resolve(1)), queue.run('b', () => Promise.resolve(2))]);
    await tick();
    expect(queue.activeKeys).toBe(0);
  });
});
