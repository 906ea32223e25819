// The relay courier skipping a relay it just found unreachable, for a pause that doubles, and trying it again when the pause ends.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateOnionKey } from '../identity/index.js';
import type { SealedEnvelope } from '../messaging/couriers/courier.js';
import { RelayFullError, RelayUnreachableError, type RelayClient } from '../relay-client/index.js';
import type { ProfileState } from '../store/index.js';
import type { RelayClients } from './relay-clients.js';
import { RelayCourier } from './relay-courier.js';

const RELAY = generateOnionKey().address;
const PEER = generateOnionKey().address;
const envelope = (seq: number): SealedEnvelope => ({ id: `m${String(seq)}`, peer: PEER, seq, ciphertext: { kind: 'whisper', body: new Uint8Array([seq]) } });

function courierWith(deposit: () => Promise<{ expiresAt: number }>) {
  let now = 1_000_000;
  const recovered: string[] = [];
  const deposits: string[] = [];
  const state = { contact: () => ({ theirMailbox: { relay: RELAY, capability: 'cap' } }) } as unknown as ProfileState;
  const client = {
    deposit: (_capability: string, id: string) => {
      deposits.push(id);
      return deposit();
    },
  } as unknown as RelayClient;
  const clients = { get: () => client } as unknown as RelayClients;
  const courier = new RelayCourier(state, clients, () => undefined, { now: () => now, recovered: (relay) => recovered.push(relay) });
  return { courier, recovered, deposits, advance: (ms: number) => (now += ms) };
}

describe('RelayCourier', () => {
  afterEach(() => vi.useRealTimers());

  it('skips a relay that could not be reached until its pause runs out, then says it may be tried', async () => {
    vi.useFakeTimers();
    const { courier, recovered, deposits, advance } = courierWith(() => Promise.reject(new RelayUnreachableError('The relay could not be reached: timed out.')));
    expect(courier.canCarry(PEER)).toBe(true);
    const outcomes = await courier.carry([envelope(1), envelope(2)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['unavailable', 'unavailable']);
    expect(deposits).toEqual(['m1']);
    expect(courier.canCarry(PEER)).toBe(false);

    advance(4_999);
    vi.advanceTimersByTime(4_999);
    expect([courier.canCarry(PEER), recovered]).toEqual([false, []]);
    advance(1);
    vi.advanceTimersByTime(1);
    expect([courier.canCarry(PEER), recovered]).toEqual([true, [RELAY]]);

    // Unreachable again: the pause doubles.
    await courier.carry([envelope(1)]);
    advance(9_999);
    expect(courier.canCarry(PEER)).toBe(false);
    advance(1);
    expect(courier.canCarry(PEER)).toBe(true);
    courier.stop();
  });

  it('ends the pause once a deposit gets through, and does not pause a relay that answered with a refusal', async () => {
    let answer: () => Promise<{ expiresAt: number }> = () => Promise.reject(new RelayUnreachableError('unreachable'));
    const { courier, advance } = courierWith(() => answer());
    await courier.carry([envelope(1)]);
    advance(5_000);
    answer = () => Promise.resolve({ expiresAt: 2_000_000 });
    expect(await courier.carry([envelope(1)])).toEqual([{ kind: 'held', until: 2_000_000 }]);
    answer = () => Promise.reject(new RelayUnreachableError('unreachable'));
    await courier.carry([envelope(2)]);
    advance(5_000);
    // Back to the first pause, not the doubled one.
    expect(courier.canCarry(PEER)).toBe(true);

    answer = () => Promise.reject(new RelayFullError('The relay is full.', 'relay-full'));
    expect((await courier.carry([envelope(2)]))[0]).toMatchObject({ kind: 'unavailable', reason: 'The relay is full.' });
    expect(courier.canCarry(PEER)).toBe(true);
    courier.stop();
  });
});
