// Tests for opening the profile database: raw key, WAL with synchronous=FULL, schema version, refused keys, no plaintext.
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptFileError, UnsupportedFormatError } from '../errors.js';
import { filesContaining, tempRoot } from '../test-fixtures.js';
import { openProfileDatabase } from './profile-database.js';
import { SCHEMA_VERSION } from './schema-migrations.js';

let dir: string;
let path: string;
const key = randomBytes(32);

beforeEach(async () => {
  dir = await tempRoot();
  path = join(dir, 'profile.db');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openProfileDatabase', () => {
  it('creates an encrypted database in WAL mode with synchronous=FULL at the current schema version', () => {
    const db = openProfileDatabase(path, key);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
    const again = openProfileDatabase(path, key);
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('keeps no plaintext in the database, its write-ahead log or its shared memory while open', async () => {
    const db = openProfileDatabase(path, key);
    db.prepare("INSERT INTO state_entries (path, value) VALUES ('[\"x\"]', ?)").run([JSON.stringify('lantern-secret-text')]);
    expect((await readFile(`${path}-wal`)).length).toBeGreaterThan(0);
    expect(await filesContaining(dir, 'lantern-secret-text')).toEqual([]);
    expect(await filesContaining(dir, 'SQLite format 3')).toEqual([]);
    db.close();
    expect(await filesContaining(dir, 'lantern-secret-text')).toEqual([]);
  });

  it('refuses another key with a CorruptFileError naming the file, and leaves the file as it was', async () => {
    openProfileDatabase(path, key).close();
    const before = await readFile(path);
    const failure = (() => {
      try {
        return openProfileDatabase(path, randomBytes(32));
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(CorruptFileError);
    expect((failure as CorruptFileError).path).toBe(path);
    expect(await readFile(path)).toEqual(before);
    expect(() => openProfileDatabase(path, randomBytes(16))).toThrow(RangeError);
  });

  it('refuses a database from a newer Allium and leaves it alone', () => {
    const db = openProfileDatabase(path, key);
    db.pragma(`user_version = ${String(SCHEMA_VERSION + 1)}`);
    db.close();
    expect(() => openProfileDatabase(path, key)).toThrow(UnsupportedFormatError);
  });
});
