// Blobs on a real SQLite file and real files: a database from before blobs gains them, and a crash's leftovers are cleaned.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../limits.js';
import { BlobStore } from './blob-store.js';
import { RelayStore } from './relay-store.js';

const QUEUE = 'q'.repeat(43);

let dir: string;
const closers: (() => void)[] = [];

async function open(): Promise<{ store: RelayStore; blobs: BlobStore }> {
  const store = RelayStore.open(join(dir, 'relay.sqlite'), DEFAULT_LIMITS);
  const blobs = await BlobStore.open(join(dir, 'relay.sqlite'), join(dir, 'blobs'), DEFAULT_LIMITS);
  closers.push(() => blobs.close(), () => store.close());
  return { store, blobs };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'allium-relay-blob-store-'));
});
afterEach(() => {
  for (const close of closers.splice(0)) close();
  rmSync(dir, { recursive: true, force: true });
});

describe('relay blob store', () => {
  it('adds blobs to a database made before them, keeping its queues', async () => {
    const before = RelayStore.open(join(dir, 'relay.sqlite'), DEFAULT_LIMITS);
    before.createQueue(QUEUE, Buffer.alloc(32, 1), 0);
    before.close();
    // Back to schema version 2: queues and the directory, no blobs.
    const db = new Database(join(dir, 'relay.sqlite'));
    db.exec('DROP INDEX queues_unused; ALTER TABLE queues DROP COLUMN used_at; DROP TABLE blobs;');
    db.pragma('user_version = 2');
    db.close();
    const { store, blobs } = await open();
    expect(store.stats().queues).toBe(1);
    const blob = await blobs.create(QUEUE, 3, 0);
    expect(await blobs.writeChunk(QUEUE, blob.blobId, 0, Buffer.from('abc'), 0)).toEqual({ received: 3, size: 3 });
    expect(store.integrityCheck()).toBe('ok');
  });

  it('keeps blob files private, cuts off bytes a crash left past the recorded length, and sweeps files without a row', async () => {
    const { store, blobs } = await open();
    store.createQueue(QUEUE, Buffer.alloc(32, 1), 0);
    expect(statSync(join(dir, 'blobs')).mode & 0o777).toBe(0o700);
    const blob = await blobs.create(QUEUE, 10, 0);
    const file = join(dir, 'blobs', blob.blobId);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await blobs.writeChunk(QUEUE, blob.blobId, 0, Buffer.from('01234'), 0);
    // A chunk written and synced whose row update never happened (the relay died in between).
    writeFileSync(file, Buffer.from('01234XXXXXXXX'));
    await blobs.writeChunk(QUEUE, blob.blobId, 5, Buffer.from('56'), 0);
    expect(statSync(file).size).toBe(7);
    // A file left by a crash between making it and recording it, or between deleting a row and its file.
    writeFileSync(join(dir, 'blobs', 'AAAAAAAAAAAAAAAAAAAAAA'), 'orphan');
    expect(await blobs.sweep(0)).toBe(0);
    expect(readdirSync(join(dir, 'blobs'))).toEqual([blob.blobId]);
  });
});
