// The directory on a real SQLite file: first owner keeps a name, newer updates only, caps, removals, expiry and restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RelayRefusal } from '../errors.js';
import { DEFAULT_LIMITS, type RelayLimits } from '../limits.js';
import type { DirectoryEntry } from './directory-store.js';
import { RelayStore } from './relay-store.js';

const ALICE = 'a'.repeat(56);
const BOB = 'b'.repeat(56);
const DAY = 24 * 3_600_000;

let dir: string;
let stores: RelayStore[];

function open(limits: Partial<RelayLimits> = {}): RelayStore {
  const store = RelayStore.open(join(dir, 'relay.sqlite'), { ...DEFAULT_LIMITS, ...limits });
  stores.push(store);
  return store;
}

const entry = (name: string, owner: string, updatedAt: number): DirectoryEntry => ({ name, owner, updatedAt, signed: JSON.stringify({ name, owner, updatedAt }) });

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
  dir = mkdtempSync(join(tmpdir(), 'allium-relay-directory-'));
  stores = [];
});
afterEach(() => {
  for (const store of stores) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('relay directory store', () => {
  it('gives a name to its first owner, who alone may update it with a newer listing', () => {
    const { directory } = open();
    expect(directory.publish(entry('chess', ALICE, 100), 1_000)).toEqual({ created: true, expiresAt: 1_000 + 30 * DAY });
    expect(refusalOf(() => directory.publish(entry('chess', BOB, 200), 1_000))).toBe('name-taken');
    expect(refusalOf(() => directory.publish(entry('chess', ALICE, 100), 1_000))).toBe('listing-outdated');
    expect(refusalOf(() => directory.publish(entry('chess', ALICE, 99), 1_000))).toBe('listing-outdated');
    expect(directory.publish(entry('chess', ALICE, 101), 2_000)).toEqual({ created: false, expiresAt: 2_000 + 30 * DAY });
    expect(JSON.parse(directory.get('chess', 2_000)!)).toEqual({ name: 'chess', owner: ALICE, updatedAt: 101 });
    expect(directory.get('go', 2_000)).toBeUndefined();
  });

  it('lists every name in order and keeps them across a restart', () => {
    const first = open();
    for (const name of ['zebra', 'apple', 'mango']) first.directory.publish(entry(name, ALICE, 1), 0);
    first.close();
    const again = open();
    expect(again.directory.all(0).map((signed) => (JSON.parse(signed) as { name: string }).name)).toEqual(['apple', 'mango', 'zebra']);
    expect(again.integrityCheck()).toBe('ok');
  });

  it('adds the directory to a database made before it, keeping its queues', () => {
    const before = open();
    before.createQueue('q'.repeat(43), Buffer.alloc(32, 1), 0);
    before.close();
    // Back to the first schema version: the tables of step 1 only (the directory's and the later blobs').
    const db = new Database(join(dir, 'relay.sqlite'));
    db.exec('DROP INDEX queues_unused; ALTER TABLE queues DROP COLUMN used_at; DROP TABLE directory; DROP TABLE directory_removals; DROP TABLE blobs;');
    db.pragma('user_version = 1');
    db.close();
    const after = open();
    expect(after.stats().queues).toBe(1);
    expect(after.directory.publish(entry('chess', ALICE, 1), 0).created).toBe(true);
    expect(after.integrityCheck()).toBe('ok');
  });

  it('refuses new names past the directory cap and the per-owner cap, but not updates', () => {
    const { directory } = open({ directoryMaxListings: 3, directoryMaxPerOwner: 2 });
    directory.publish(entry('a1', ALICE, 1), 0);
    directory.publish(entry('a2', ALICE, 1), 0);
    expect(refusalOf(() => directory.publish(entry('a3', ALICE, 1), 0))).toBe('too-many-listings');
    directory.publish(entry('b1', BOB, 1), 0);
    expect(refusalOf(() => directory.publish(entry('b2', BOB, 1), 0))).toBe('directory-full');
    expect(directory.publish(entry('a1', ALICE, 2), 0).created).toBe(false);
    expect(directory.count(0)).toBe(3);
  });

  it('takes a listing down only for its owner and remembers it, so the old listing cannot come back', () => {
    const { directory } = open();
    directory.publish(entry('chess', ALICE, 100), 0);
    expect(refusalOf(() => directory.remove('chess', BOB, 200, 0))).toBe('not-listing-owner');
    expect(refusalOf(() => directory.remove('chess', ALICE, 99, 0))).toBe('listing-outdated');
    expect(refusalOf(() => directory.remove('go', ALICE, 200, 0))).toBe('listing-not-found');
    directory.remove('chess', ALICE, 150, 0);
    expect(directory.get('chess', 0)).toBeUndefined();
    expect(refusalOf(() => directory.publish(entry('chess', ALICE, 100), 0))).toBe('listing-outdated');
    expect(refusalOf(() => directory.publish(entry('chess', ALICE, 150), 0))).toBe('listing-outdated');
    expect(directory.publish(entry('chess', ALICE, 151), 0).created).toBe(true);
    directory.remove('chess', ALICE, 151, 0);
    // The name is free for anyone else.
    expect(directory.publish(entry('chess', BOB, 1), 0).created).toBe(true);
  });

  it('drops a listing not published again within the retention, freeing its name', () => {
    const store = open({ directoryRetentionMs: 10 * DAY });
    store.directory.publish(entry('chess', ALICE, 1), 0);
    store.directory.publish(entry('go', ALICE, 1), 5 * DAY);
    expect(store.directory.all(10 * DAY - 1)).toHaveLength(2);
    expect(store.directory.get('chess', 10 * DAY)).toBeUndefined();
    // Expired but not yet swept: the name is free, and another owner may take it.
    expect(store.directory.publish(entry('chess', BOB, 2), 10 * DAY).created).toBe(true);
    // The sweep deletes the rows themselves: asked as of time 0, only Bob's newer listing is left.
    store.sweep(16 * DAY);
    expect(store.directory.all(0).map((signed) => JSON.parse(signed) as unknown)).toEqual([{ name: 'chess', owner: BOB, updatedAt: 2 }]);
  });
});
