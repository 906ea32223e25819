import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TorConfigError } from './errors.js';
import { buildTorrc, canUseUnixSocket, quoteTorrcValue, readTorrcExtraFromEnv, validateExtraTorrcLines } from './torrc.js';

describe('buildTorrc', () => {
  it('writes the managed options, ownership and extra lines in order', () => {
    const torrc = buildTorrc({
      dataDirectory: '/p/tor',
      socks: { kind: 'unix', path: '/p/run/socks.sock' },
      controlPortFile: '/p/run/control-port',
      ownerPid: 4242,
      extraLines: ['UseBridges 1'],
    });
    const lines = torrc.trim().split('\n');
    expect(lines).toContain('DataDirectory /p/tor');
    expect(lines).toContain('SocksPort unix:/p/run/socks.sock OnionTrafficOnly ExtendedErrors');
    expect(lines).toContain('ControlPort 127.0.0.1:auto');
    expect(lines).toContain('ControlPortWriteToFile /p/run/control-port');
    expect(lines).toContain('CookieAuthentication 1');
    expect(lines).toContain('__OwningControllerProcess 4242');
    expect(lines.at(-1)).toBe('UseBridges 1');
  });

  it('uses a loopback TCP SOCKS port when no unix socket is possible', () => {
    const torrc = buildTorrc({ dataDirectory: 'C:\\p', socks: { kind: 'tcp' }, controlPortFile: 'C:\\p\\cp', ownerPid: 1 });
    expect(torrc).toContain('SocksPort 127.0.0.1:auto OnionTrafficOnly ExtendedErrors');
    expect(torrc).toContain('DataDirectory C:\\p');
  });

  it('quotes paths with spaces and escapes quotes', () => {
    expect(quoteTorrcValue('/home/a b/tor')).toBe('"/home/a b/tor"');
    expect(quoteTorrcValue('/x/"q"')).toBe('"/x/\\"q\\""');
    expect(quoteTorrcValue('/plain/path')).toBe('/plain/path');
  });

  it('refuses unix sockets on Windows and for paths too long for sun_path', () => {
    expect(canUseUnixSocket('/tmp/s.sock', 'linux')).toBe(true);
    expect(canUseUnixSocket('/tmp/s.sock', 'win32')).toBe(false);
    expect(canUseUnixSocket(`/tmp/${'x'.repeat(120)}`, 'linux')).toBe(false);
  });
});

describe('validateExtraTorrcLines', () => {
  it('keeps options, drops comments and blank lines', () => {
    expect(validateExtraTorrcLines(['# c', '', '  TestingTorNetwork 1 ', 'DirAuthority a b'], 'test')).toEqual([
      'TestingTorNetwork 1',
      'DirAuthority a b',
    ]);
  });

  it.each([
    ['DataDirectory /elsewhere', /DataDirectory is managed by Allium/],
    ['controlport 9051', /controlport is managed by Allium/],
    ['__OwningControllerProcess 1', /managed by Allium/],
    ['1Bad option', /"1Bad" is not a tor option name/],
    ['Nickname a\u0000b', /control characters/],
    // tor takes any unique prefix of an option name, and __-options are aliases meant for controllers only.
    ['DataDir /elsewhere', /DataDir is managed by Allium/],
    ['CookieAuth 0', /CookieAuth is managed by Allium/],
    ['__SocksPort 0.0.0.0:9050', /__SocksPort is meant for controllers/],
    ['__ControlPort 9051', /__ControlPort is meant for controllers/],
    ['__HashedControlSessionPassword 16:00', /meant for controllers/],
  ])('refuses %j', (line, message) => {
    expect(() => validateExtraTorrcLines(['UseBridges 1', line], 'settings')).toThrow(TorConfigError);
    expect(() => validateExtraTorrcLines(['UseBridges 1', line], 'settings')).toThrow(message);
    expect(() => validateExtraTorrcLines(['UseBridges 1', line], 'settings')).toThrow(/settings, line 2/);
  });
});

describe('readTorrcExtraFromEnv', () => {
  it('reads and validates the file named by ALLIUM_TORRC_EXTRA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allium-torrc-'));
    try {
      const file = join(dir, 'extra.torrc');
      writeFileSync(file, 'TestingTorNetwork 1\r\nPathsNeededToBuildCircuits 0.67\n');
      await expect(readTorrcExtraFromEnv({ ALLIUM_TORRC_EXTRA: file })).resolves.toEqual([
        'TestingTorNetwork 1',
        'PathsNeededToBuildCircuits 0.67',
      ]);
      await expect(readTorrcExtraFromEnv({})).resolves.toEqual([]);
      await expect(readTorrcExtraFromEnv({ ALLIUM_TORRC_EXTRA: join(dir, 'missing') })).rejects.toThrow(/cannot be read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
