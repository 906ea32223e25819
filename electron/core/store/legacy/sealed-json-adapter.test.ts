// Tests for the sealed JSON adapter (legacy format, read by the migration): coalesced atomic writes, validation on load, damaged files kept aside.
import { randomBytes } from 'node:crypto';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CorruptFileError, InvalidDocumentError, UnsupportedFormatError } from '../errors.js';
import { SealedJsonAdapter } from './sealed-json-adapter.js';
import { seal } from '../sealed-file.js';
import { tempRoot } from '../test-fixtures.js';

const key = randomBytes(32);
const schema = z.object({ formatVersion: z.literal(1), items: z.array(z.number()) });
type Doc = z.infer<typeof schema>;
let dir: string;
let path: string;

const adapter = (): SealedJsonAdapter<Doc> =>
  new SealedJsonAdapter({
    path,
    key,
    role: 'state',
    context: 'p',
    parse: (json) => {
      const version = (json as { formatVersion?: unknown }).formatVersion;
      if (typeof version === 'number' && version > 1) throw new UnsupportedFormatError('state', version);
      return schema.parse(json);
    },
  });

beforeEach(async () => {
  dir = await tempRoot();
  path = join(dir, 'doc.sealed');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SealedJsonAdapter', () => {
  it('reads null for a missing file, and back what was written', async () => {
    expect(await adapter().read()).toBeNull();
    await adapter().write({ formatVersion: 1, items: [1, 2] });
    expect((await adapter().read())?.items).toEqual([1, 2]);
    expect((await readFile(path)).subarray(0, 4).toString()).toBe('ALSF');
  });

  it('coalesces concurrent writes; every caller settles after its data is on disk', async () => {
    const shared = adapter();
    await Promise.all(Array.from({ length: 50 }, (_, i) => shared.write({ formatVersion: 1, items: Array.from({ length: i + 1 }, (_, j) => j) })));
    expect((await adapter().read())?.items).toHaveLength(50);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to write a document its schema rejects and keeps the last good file', async () => {
    await adapter().write({ formatVersion: 1, items: [1] });
    const before = await readFile(path);
    await expect(adapter().write({ formatVersion: 1, items: ['x'] } as unknown as Doc)).rejects.toThrow(InvalidDocumentError);
    expect(await readFile(path)).toEqual(before);
    expect((await adapter().read())?.items).toEqual([1]);
  });

  it('keeps writing after a refused write', async () => {
    const writer = adapter();
    await expect(writer.write({ formatVersion: 1, items: ['x'] } as unknown as Doc)).rejects.toThrow(InvalidDocumentError);
    await writer.write({ formatVersion: 1, items: [2] });
    await writer.flush();
    expect((await adapter().read())?.items).toEqual([2]);
  });

  it.each([
    ['flipped bit', (b: Buffer) => Buffer.from(b.map((x, i) => (i === 20 ? x ^ 1 : x))), 'authentication-failed'],
    ['truncation', (b: Buffer) => b.subarray(0, 10), 'too-short'],
    ['plain JSON in its place', () => Buffer.from('{"formatVersion":1,"items":[1,2,3,4,5,6,7,8,9]}'), 'bad-magic'],
  ])('names the file and moves it aside on %s', async (_what, damage, reason) => {
    await adapter().write({ formatVersion: 1, items: [1] });
    await writeFile(path, damage(await readFile(path)));
    const failure = await adapter().read().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CorruptFileError);
    expect((failure as CorruptFileError).path).toBe(path);
    expect((failure as CorruptFileError).reason).toBe(reason);
    expect((failure as CorruptFileError).movedTo).toMatch(/doc\.sealed\.corrupt-/u);
    expect(await readdir(dir)).toEqual([expect.stringMatching(/^doc\.sealed\.corrupt-/u)]);
  });

  it('reports a document that decrypts but does not match its schema', async () => {
    await writeFile(path, seal(key, 'state', 'p', Buffer.from('{"formatVersion":1,"items":["x"]}')));
    await expect(adapter().read()).rejects.toThrow(/does not match its schema/u);
  });

  it('refuses a file from a newer version without moving it', async () => {
    await writeFile(path, seal(key, 'state', 'p', Buffer.from('{"formatVersion":2}')));
    await expect(adapter().read()).rejects.toThrow(UnsupportedFormatError);
    expect(await readdir(dir)).toEqual(['doc.sealed']);
  });
});
