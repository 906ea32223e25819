import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bridgeTorrcLines } from './bridges.js';

describe('bridgeTorrcLines', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'allium-bridges-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds nothing without bridges', () => {
    expect(bridgeTorrcLines([' ', '# comment'])).toEqual([]);
  });

  it('uses the bundled lyrebird for obfs4 and writes one Bridge line per bridge', () => {
    const pt = join(dir, 'linux-x64', 'pluggable_transports');
    mkdirSync(pt, { recursive: true });
    writeFileSync(join(pt, 'lyrebird'), '#!/bin/sh\n');
    chmodSync(join(pt, 'lyrebird'), 0o755);
    const lines = bridgeTorrcLines(['obfs4 192.0.2.1:443 AAAA cert=x iat-mode=0', '192.0.2.2:9001'], dir, { platform: 'linux', arch: 'x64', env: { PATH: '' } });
    expect(lines).toEqual([
      'UseBridges 1',
      `ClientTransportPlugin obfs4 exec ${join(pt, 'lyrebird')}`,
      'Bridge obfs4 192.0.2.1:443 AAAA cert=x iat-mode=0',
      'Bridge 192.0.2.2:9001',
    ]);
  });

  it('leaves a transport without a plugin when no binary exists', () => {
    const lines = bridgeTorrcLines(['snowflake 192.0.2.3:80 BBBB'], join(dir, 'none'), { platform: 'linux', arch: 'x64', env: { PATH: join(dir, 'empty') } });
    expect(lines.some((l) => l.startsWith('ClientTransportPlugin snowflake'))).toBe(false);
    expect(lines).toContain('Bridge snowflake 192.0.2.3:80 BBBB');
  });

  it('takes bridges pasted in torrc form ("Bridge obfs4 …") without doubling the keyword tor would refuse', () => {
    const pt = join(dir, 'linux-x64', 'pluggable_transports');
    mkdirSync(pt, { recursive: true });
    writeFileSync(join(pt, 'lyrebird'), '#!/bin/sh\n');
    chmodSync(join(pt, 'lyrebird'), 0o755);
    const lines = bridgeTorrcLines(['Bridge obfs4 192.0.2.1:443 AAAA cert=x iat-mode=0', 'bridge  192.0.2.2:9001'], dir, {
      platform: 'linux',
      arch: 'x64',
      env: { PATH: '' },
    });
    expect(lines).toEqual([
      'UseBridges 1',
      `ClientTransportPlugin obfs4 exec ${join(pt, 'lyrebird')}`,
      'Bridge obfs4 192.0.2.1:443 AAAA cert=x iat-mode=0',
      'Bridge 192.0.2.2:9001',
    ]);
  });
});
