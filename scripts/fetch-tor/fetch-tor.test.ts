// fetch-tor's verify-then-unpack on archives made here with the system tar: a matching hash installs tor, anything else installs nothing.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pinnedBundle, readBundleTable, type PinnedBundle } from './bundle-table.js';
import { sha256File } from './checksum.js';
import { ChecksumMismatchError, NoPinnedBundleError, UnsafeArchiveError } from './errors.js';
import { installBundle } from './install-bundle.js';

const work = mkdtempSync(join(tmpdir(), 'allium-fetch-tor-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let counter = 0;
/** Lays out `files` (path → content) in a fresh folder and packs `entries` of it with the system tar. */
function makeArchive(files: Record<string, string>, entries: readonly string[] = ['tor', 'data'], extraTarArgs: readonly string[] = []): string {
  const source = join(work, `source-${++counter}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(source, path, '..'), { recursive: true });
    writeFileSync(join(source, path), content);
  }
  if (files['tor/tor'] !== undefined) chmodSync(join(source, 'tor/tor'), 0o755);
  const archive = join(work, `bundle-${counter}.tar.gz`);
  execFileSync('tar', ['-czf', archive, ...extraTarArgs, '-C', source, ...entries]);
  return archive;
}

async function pinned(archive: string, target = 'linux-x64'): Promise<PinnedBundle> {
  return { target, version: '15.0.4', url: 'https://example.invalid/bundle.tar.gz', file: 'bundle.tar.gz', sha256: await sha256File(archive) };
}

const BUNDLE_FILES = {
  'tor/tor': '#!/bin/sh\necho tor\n',
  'tor/libevent-2.1.so.7': 'lib',
  'tor/pluggable_transports/lyrebird': 'pt',
  'tor/pluggable_transports/pt_config.json': '{}',
  'data/geoip': 'geoip',
  'data/geoip6': 'geoip6',
};

describe('installBundle', () => {
  it('unpacks tor, its libraries, pluggable transports and data when the hash matches', async () => {
    const archive = makeArchive(BUNDLE_FILES);
    const resources = join(work, 'resources-ok');
    const installed = await installBundle(await pinned(archive), archive, resources);
    expect(installed).toBe(join(resources, 'linux-x64'));
    expect(readFileSync(join(installed, 'tor'), 'utf8')).toContain('echo tor');
    expect(statSync(join(installed, 'tor')).mode & 0o111).not.toBe(0);
    expect(existsSync(join(installed, 'libevent-2.1.so.7'))).toBe(true);
    expect(existsSync(join(installed, 'pluggable_transports', 'lyrebird'))).toBe(true);
    expect(readFileSync(join(installed, 'data', 'geoip'), 'utf8')).toBe('geoip');
  });

  it('replaces a previous install as a whole', async () => {
    const resources = join(work, 'resources-replace');
    const first = makeArchive({ ...BUNDLE_FILES, 'tor/old-only': 'old' });
    await installBundle(await pinned(first), first, resources);
    const second = makeArchive(BUNDLE_FILES);
    const installed = await installBundle(await pinned(second), second, resources);
    expect(existsSync(join(installed, 'old-only'))).toBe(false);
    expect(existsSync(join(installed, 'tor'))).toBe(true);
  });

  it('refuses a hash mismatch and unpacks nothing', async () => {
    const archive = makeArchive(BUNDLE_FILES);
    const resources = join(work, 'resources-mismatch');
    const bundle = { ...(await pinned(archive)), sha256: '0'.repeat(64) };
    await expect(installBundle(bundle, archive, resources)).rejects.toBeInstanceOf(ChecksumMismatchError);
    await expect(installBundle(bundle, archive, resources)).rejects.toThrow(/SHA-256 mismatch .* expected 0{64}, got [0-9a-f]{64}/);
    expect(existsSync(resources)).toBe(false);
  });

  it('keeps the previous install when a new archive is refused', async () => {
    const resources = join(work, 'resources-keep');
    const good = makeArchive(BUNDLE_FILES);
    await installBundle(await pinned(good), good, resources);
    const notABundle = makeArchive({ 'docs/readme': 'x' }, ['docs']);
    await expect(installBundle(await pinned(notABundle), notABundle, resources)).rejects.toThrow(/no tor\/tor or tor\/tor.exe/);
    expect(existsSync(join(resources, 'linux-x64', 'tor'))).toBe(true);
    expect(existsSync(join(resources, 'linux-x64', 'docs'))).toBe(false);
  });

  it('refuses an archive whose entries escape their folder', async () => {
    const outside = join(work, 'escape');
    mkdirSync(outside, { recursive: true });
    const inner = join(outside, 'inner');
    mkdirSync(join(inner, 'tor'), { recursive: true });
    writeFileSync(join(inner, 'tor', 'tor'), 'tor');
    writeFileSync(join(outside, 'evil'), 'evil');
    const archive = join(work, 'escape.tar.gz');
    // -P keeps the `..` in the entry name, as a hostile archive would.
    execFileSync('tar', ['-czPf', archive, 'tor', '../evil'], { cwd: inner });
    const resources = join(work, 'resources-escape');
    const refused = installBundle(await pinned(archive), archive, resources);
    await expect(refused).rejects.toBeInstanceOf(UnsafeArchiveError);
    await expect(refused).rejects.toThrow('the archive has an entry that escapes its folder: ../evil');
    expect(existsSync(join(resources, 'linux-x64'))).toBe(false);
    expect(existsSync(join(resources, 'evil'))).toBe(false);
  });

  it('refuses an archive with a symlink leading outside', async () => {
    const source = join(work, 'link-source');
    mkdirSync(join(source, 'tor'), { recursive: true });
    writeFileSync(join(source, 'tor', 'tor'), 'tor');
    symlinkSync('/etc/passwd', join(source, 'tor', 'libcrypto.so'));
    const archive = join(work, 'link.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', source, 'tor']);
    const resources = join(work, 'resources-link');
    await expect(installBundle(await pinned(archive), archive, resources)).rejects.toThrow(/links tor\/libcrypto.so outside/);
    expect(existsSync(join(resources, 'linux-x64'))).toBe(false);
  });
});

describe('pinned bundle table', () => {
  const tableFile = join(work, 'table.json');
  const write = (table: unknown) => writeFileSync(tableFile, JSON.stringify(table));
  const base = { version: '15.0.4', baseUrl: 'https://archive.torproject.org/tor-package-archive/torbrowser/15.0.4/' };

  it('builds the URL of a pinned platform', () => {
    write({ ...base, bundles: { 'linux-x64': { file: 'tor-expert-bundle-linux-x86_64-15.0.4.tar.gz', sha256: 'a'.repeat(64) } } });
    expect(pinnedBundle(readBundleTable(tableFile), tableFile, 'linux', 'x64')).toEqual({
      target: 'linux-x64',
      version: '15.0.4',
      url: 'https://archive.torproject.org/tor-package-archive/torbrowser/15.0.4/tor-expert-bundle-linux-x86_64-15.0.4.tar.gz',
      file: 'tor-expert-bundle-linux-x86_64-15.0.4.tar.gz',
      sha256: 'a'.repeat(64),
    });
  });

  it('refuses a platform with a placeholder or no entry', () => {
    write({ ...base, bundles: { 'linux-arm64': { file: 'tor-expert-bundle-linux-aarch64-15.0.4.tar.gz', sha256: null } } });
    const table = readBundleTable(tableFile);
    expect(() => pinnedBundle(table, tableFile, 'linux', 'arm64')).toThrow(NoPinnedBundleError);
    expect(() => pinnedBundle(table, tableFile, 'linux', 'arm64')).toThrow(/no pinned hash for linux-arm64/);
    expect(() => pinnedBundle(table, tableFile, 'freebsd', 'x64')).toThrow(/no pinned hash for freebsd-x64/);
  });

  it('rejects a table with a malformed hash, an http URL or a path in the file name', () => {
    write({ ...base, bundles: { 'linux-x64': { file: 'a.tar.gz', sha256: 'not-a-hash' } } });
    expect(() => readBundleTable(tableFile)).toThrow(/bundles.linux-x64.sha256/);
    write({ ...base, baseUrl: 'http://archive.torproject.org/', bundles: {} });
    expect(() => readBundleTable(tableFile)).toThrow(/baseUrl/);
    write({ ...base, bundles: { 'linux-x64': { file: '../a.tar.gz', sha256: 'a'.repeat(64) } } });
    expect(() => readBundleTable(tableFile)).toThrow(/file/);
  });

  it('accepts the table shipped in the repository', () => {
    const shipped = join(import.meta.dirname, '..', '..', 'resources', 'tor-bundles.json');
    const table = readBundleTable(shipped);
    expect(pinnedBundle(table, shipped, 'linux', 'x64').sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
