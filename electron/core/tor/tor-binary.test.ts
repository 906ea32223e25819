import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TorBinaryNotFoundError } from './errors.js';
import { findTorBinary } from './tor-binary.js';

describe('findTorBinary', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'allium-torbin-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function executable(path: string): string {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    return path;
  }

  it('prefers the bundled tor for this platform and arch, with its library folder', () => {
    const bundled = executable(join(dir, 'resources', 'linux-x64', 'tor'));
    const env = { ALLIUM_TOR_BINARY: executable(join(dir, 'env', 'tor')), PATH: join(dir, 'env') };
    const found = findTorBinary({ resourcesDir: join(dir, 'resources'), env, platform: 'linux', arch: 'x64' });
    expect(found).toEqual({ path: bundled, source: 'bundled', libraryDir: join(dir, 'resources', 'linux-x64') });
  });

  it('uses ALLIUM_TOR_BINARY when nothing is bundled', () => {
    const fromEnv = executable(join(dir, 'env', 'tor'));
    const found = findTorBinary({ resourcesDir: join(dir, 'resources'), env: { ALLIUM_TOR_BINARY: fromEnv, PATH: '' }, platform: 'linux' });
    expect(found).toEqual({ path: fromEnv, source: 'env' });
  });

  it('falls back to PATH, skipping non-executable files', () => {
    const notExec = join(dir, 'a', 'tor');
    mkdirSync(join(dir, 'a'));
    writeFileSync(notExec, '');
    const onPath = executable(join(dir, 'b', 'tor'));
    const found = findTorBinary({ env: { PATH: `${join(dir, 'a')}:${join(dir, 'b')}` }, platform: 'linux' });
    expect(found).toEqual({ path: onPath, source: 'path' });
  });

  it('names all three places when no tor is found', () => {
    let caught: unknown;
    try {
      findTorBinary({ resourcesDir: join(dir, 'none'), env: { ALLIUM_TOR_BINARY: join(dir, 'missing'), PATH: dir }, platform: 'win32', arch: 'x64' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TorBinaryNotFoundError);
    const message = (caught as Error).message;
    expect(message).toContain(join(dir, 'none', 'win32-x64', 'tor.exe'));
    expect(message).toContain(`ALLIUM_TOR_BINARY: ${join(dir, 'missing')}`);
    expect(message).toContain('PATH: tor.exe in none of 1 folders');
  });
});
