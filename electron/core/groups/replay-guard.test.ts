// The replay guard on its own: out-of-order arrivals read once, the awaited list bounded, a restart remembers.
import { describe, expect, it } from 'vitest';
import { ReplayedGroupMessageError } from './errors.js';
import { InMemoryKeyValueStore } from './key-value-store.js';
import { ReplayGuard, type GroupMessageKey } from './replay-guard.js';

const at = (iteration: number, chainId = 7): GroupMessageKey => ({ sender: 'alice', distributionId: 'd', chainId, iteration });

async function receive(guard: ReplayGuard, key: GroupMessageKey): Promise<void> {
  await guard.check(key);
  await guard.record(key);
}

describe('ReplayGuard', () => {
  it('lets each iteration through once, in any order, per chain', async () => {
    const guard = new ReplayGuard(new InMemoryKeyValueStore());
    for (const iteration of [5, 9, 6, 8, 7]) await receive(guard, at(iteration));
    for (const iteration of [5, 6, 7, 8, 9]) await expect(guard.check(at(iteration))).rejects.toThrow(ReplayedGroupMessageError);
    await receive(guard, at(5, 8));
    await receive(guard, at(10));
  });

  it('leaves iterations below the first one received to libsignal', async () => {
    const guard = new ReplayGuard(new InMemoryKeyValueStore());
    await receive(guard, at(100));
    await expect(guard.check(at(99))).resolves.toBeUndefined();
  });

  it('awaits at most 2,000 skipped iterations: older ones count as received', async () => {
    const guard = new ReplayGuard(new InMemoryKeyValueStore());
    await receive(guard, at(0));
    await receive(guard, at(3000));
    await expect(guard.check(at(999))).rejects.toThrow(ReplayedGroupMessageError);
    await receive(guard, at(1000));
    await receive(guard, at(2999));
  });

  it('remembers across a restart on the same store', async () => {
    const store = new InMemoryKeyValueStore();
    await receive(new ReplayGuard(store), at(3));
    await expect(new ReplayGuard(store).check(at(3))).rejects.toThrow('alice/d/7/3');
  });
});
