// The relay store on real SQLite files: idempotent deposits, acks that delete, quotas, retention and the disk cap.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RelayRefusal } from '../errors.js';
import { DEFAULT_LIMITS, type RelayLimits } from '../limits.js';
import { RelayStore } from './relay-store.js';
import { ROW_BYTES } from './row-bytes.js';

const QUEUE = 'q'.repeat(43);
const OTHER = 'o'.repeat(43);
const DAY = 24 * 3_600_000;
const body = (fill: number, size = 1_024): Buffer => Buffer.alloc(size, fill);

let dir: string;
let stores: RelayStore[];

function open(limits: Partial<RelayLimits> = {}): RelayStore {
  const store = RelayStore.open(join(dir, 'relay.sqlite'), { ...DEFAULT_LIMITS, ...limits });
  stores.push(store);
  store.createQueue(QUEUE, Buffer.alloc(32, 1), 0);
  store.createQueue(OTHER, Buffer.alloc(32, 2), 0);
  return store;
}

function refusalOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof RelayRefusal) return error.code;
    throw error;
  }
  return undefined;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'allium-relay-store-'));
  stores = [];
});
afterEach(() => {
  for (const store of stores) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('relay store', () => {
  it('stores a repeated envelope id once and answers the first expiry again', () => {
    const store = open({ retentionMs: 10 * DAY });
    const first = store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000001', body: body(1), now: 1_000 });
    const again = store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000001', body: body(1), now: 5_000 });
    expect(first).toEqual({ expiresAt: 1_000 + 10 * DAY, stored: true });
    expect(again).toEqual({ expiresAt: 1_000 + 10 * DAY, stored: false });
    expect(store.fetch(QUEUE, 0, 100, 6_000).map((m) => m.envelopeId)).toEqual(['envelope-0000001']);
    expect(refusalOf(() => store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000001', body: body(2), now: 6_000 }))).toBe('envelope-conflict');
  });

  it('keeps deposits across a reopen and hands them out in order', () => {
    const store = open();
    for (let i = 0; i < 5; i += 1) store.deposit({ queueId: QUEUE, envelopeId: `envelope-000000${String(i)}`, body: body(i), now: i });
    store.close();
    const reopened = open();
    const fetched = reopened.fetch(QUEUE, 0, 100, 10);
    expect(fetched.map((m) => m.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(fetched.map((m) => m.body[0])).toEqual([0, 1, 2, 3, 4]);
    expect(reopened.fetch(QUEUE, 3, 100, 10).map((m) => m.sequence)).toEqual([4, 5]);
    expect(reopened.fetch(OTHER, 0, 100, 10)).toEqual([]);
  });

  it('deletes acknowledged envelopes and does not store them again when repeated', () => {
    const store = open();
    for (let i = 0; i < 4; i += 1) store.deposit({ queueId: QUEUE, envelopeId: `envelope-000000${String(i)}`, body: body(i), now: i });
    expect(store.ack(QUEUE, 2)).toBe(2);
    expect(store.ack(QUEUE, 2)).toBe(0);
    expect(store.fetch(QUEUE, 0, 100, 10).map((m) => m.sequence)).toEqual([3, 4]);
    expect(store.stats()).toEqual({ queues: 2, messages: 2, bytesHeld: 2 * 1_024 });
    expect(store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000000', body: body(0), now: 20 }).stored).toBe(false);
    expect(store.fetch(QUEUE, 0, 100, 30).map((m) => m.sequence)).toEqual([3, 4]);
  });

  it('refuses past a queue’s count or byte quota, and other queues keep working', () => {
    const store = open({ queueMaxMessages: 3, queueMaxBytes: 8 * 1_024 });
    for (let i = 0; i < 3; i += 1) store.deposit({ queueId: QUEUE, envelopeId: `envelope-000000${String(i)}`, body: body(i), now: i });
    expect(refusalOf(() => store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000009', body: body(9), now: 9 }))).toBe('queue-full');
    store.deposit({ queueId: OTHER, envelopeId: 'envelope-big00001', body: body(1, 4_096), now: 1 });
    expect(refusalOf(() => store.deposit({ queueId: OTHER, envelopeId: 'envelope-big00002', body: body(2, 16_384), now: 2 }))).toBe('queue-full');
    store.ack(QUEUE, 1);
    expect(store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000009', body: body(9), now: 9 }).stored).toBe(true);
  });

  it('refuses every deposit past the disk cap until something is deleted', () => {
    // Two queues and two envelopes of 1 and 2 KiB, with room for one receipt more but not one envelope.
    const held = 2 * ROW_BYTES.queue + 1_024 + 2_048 + 2 * ROW_BYTES.message;
    const cap = held + ROW_BYTES.receipt;
    const store = open({ diskCapBytes: cap });
    store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000001', body: body(1), now: 1 });
    store.deposit({ queueId: OTHER, envelopeId: 'envelope-0000002', body: body(2, 2_048), now: 2 });
    expect(refusalOf(() => store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000003', body: body(3), now: 3 }))).toBe('relay-full');
    store.close();
    // The bytes held are counted again from the file at open.
    const reopened = open({ diskCapBytes: cap });
    expect(refusalOf(() => reopened.deposit({ queueId: OTHER, envelopeId: 'envelope-0000003', body: body(3), now: 3 }))).toBe('relay-full');
    reopened.ack(QUEUE, 1);
    expect(reopened.deposit({ queueId: OTHER, envelopeId: 'envelope-0000003', body: body(3), now: 3 }).stored).toBe(true);
    expect(reopened.bytesKept()).toBe(held + ROW_BYTES.receipt);
  });

  it('counts receipts, capabilities and queues against the disk cap, so none of them can fill the disk', () => {
    const store = open({ diskCapBytes: 64 * 1_024 });
    // Deposit and acknowledge at once: no envelope is held, yet every receipt is kept for the retention period.
    let refused: string | undefined;
    let i = 0;
    for (; i < 1_000 && refused === undefined; i += 1) {
      refused = refusalOf(() => store.deposit({ queueId: QUEUE, envelopeId: `envelope-${String(i).padStart(8, '0')}`, body: body(i % 256), now: i }));
      store.ack(QUEUE, i + 1);
    }
    expect(refused).toBe('relay-full');
    expect(store.stats().bytesHeld).toBe(0);
    expect(i).toBeLessThan((64 * 1_024) / ROW_BYTES.receipt + 1);
    // What is left below the cap takes a few capabilities, then no more.
    const made = Array.from({ length: 10 }, (_, c) => refusalOf(() => store.createCapability(OTHER, `capability-${String(c).padStart(11, '0')}`, 's', 1)));
    expect(made.filter((r) => r === undefined).length).toBeLessThanOrEqual((1_024 + ROW_BYTES.message) / ROW_BYTES.capability);
    expect(made.at(-1)).toBe('relay-full');
    const queues = Array.from({ length: 3 }, (_, q) => refusalOf(() => store.createQueue(String(q).repeat(43), Buffer.alloc(32, 3), 1)));
    expect(queues.at(-1)).toBe('relay-full');
    // The receipts expire with the envelopes they stand for, and the room is back.
    store.sweep(DEFAULT_LIMITS.retentionMs + 1_000);
    expect(store.bytesKept()).toBeLessThan(1_024);
    expect(store.deposit({ queueId: QUEUE, envelopeId: 'envelope-after-sweep', body: body(1), now: DEFAULT_LIMITS.retentionMs + 1_000 }).stored).toBe(true);
  });

  it('hides expired envelopes, then the sweep deletes them and their receipts', () => {
    const store = open({ retentionMs: DAY });
    store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000001', body: body(1), now: 0 });
    store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000002', body: body(2), now: DAY / 2 });
    expect(store.fetch(QUEUE, 0, 100, DAY).map((m) => m.envelopeId)).toEqual(['envelope-0000002']);
    expect(store.sweep(DAY)).toBe(1);
    expect(store.stats().bytesHeld).toBe(1_024);
    store.ack(QUEUE, 2);
    // The receipt keeps a late repeat out until the envelope would have expired; after the sweep it is a new deposit.
    expect(store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000002', body: body(2), now: DAY }).stored).toBe(false);
    store.sweep(DAY + DAY / 2);
    expect(store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000002', body: body(2), now: 2 * DAY }).stored).toBe(true);
  });

  it('keeps only a hash of capability secrets, limits their number and forgets them with the queue', () => {
    const store = open({ queueMaxCapabilities: 2 });
    store.createCapability(QUEUE, 'capability-id-00000001', 'secret-one', 0);
    store.createCapability(QUEUE, 'capability-id-00000002', 'secret-two', 0);
    expect(refusalOf(() => store.createCapability(QUEUE, 'capability-id-00000003', 'secret-three', 0))).toBe('too-many-capabilities');
    const stored = store.capability('capability-id-00000001');
    expect(stored?.queueId).toBe(QUEUE);
    expect(stored?.secretHash.toString('utf8')).not.toContain('secret-one');
    expect(store.revokeCapability(QUEUE, 'capability-id-00000001')).toBe(true);
    expect(store.capability('capability-id-00000001')).toBeUndefined();
    store.deposit({ queueId: QUEUE, envelopeId: 'envelope-0000001', body: body(1), now: 0 });
    expect(store.deleteQueue(QUEUE)).toBe(true);
    expect(store.capability('capability-id-00000002')).toBeUndefined();
    expect(store.stats()).toEqual({ queues: 1, messages: 0, bytesHeld: 0 });
    expect(store.integrityCheck()).toBe('ok');
  });
});
