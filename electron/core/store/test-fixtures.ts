// Helpers shared by the store's tests: cheap KDF parameters, temporary roots, folder hashing and grepping.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { ScryptParams } from './kdf.js';
import { newContact, type Contact, type OutboxEntry } from './profile-state.js';

/** Milliseconds instead of half a second: tests exercise the code, not the cost. */
export const FAST_KDF: ScryptParams = { name: 'scrypt', logN: 10, r: 8, p: 1 };

export const GOOD_PASSWORD = 'orchid-lantern-91-velvet';

export function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'allium-store-'));
}

export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** A digest of every path and every byte under `dir`. */
export async function hashTree(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await filesUnder(dir)) {
    hash.update(relative(dir, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

/** Files under `dir` whose name or bytes contain `needle`. */
export async function filesContaining(dir: string, needle: Uint8Array | string): Promise<string[]> {
  const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : Buffer.from(needle);
  const hits: string[] = [];
  for (const file of await filesUnder(dir)) {
    if (file.includes(bytes.toString('utf8')) || (await readFile(file)).includes(bytes)) hits.push(file);
  }
  return hits;
}

/** A contact record with every field, defaults for the ones a test does not care about. */
export function contactRecord(fields: Partial<Contact> & Pick<Contact, 'address' | 'nickname'>): Contact {
  return { ...newContact({ addedAt: '2026-01-01T00:00:00.000Z', status: 'accepted', ...fields }), ...fields };
}

/** An outbox entry with defaults. */
export function outboxEntry(fields: Partial<OutboxEntry> & Pick<OutboxEntry, 'id' | 'to' | 'envelope'>): OutboxEntry {
  return { createdAt: new Date().toISOString(), seq: 1, attempts: 0, nextAttemptAt: null, via: 'direct', failed: null, ...fields };
}
