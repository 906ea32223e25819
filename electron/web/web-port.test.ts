// ALLIUM_WEB_PORT: whole numbers from 1 to 65535 are taken, anything else is refused in words; a taken port is named as such.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebPortSettingError, WebPortUnavailableError } from './errors.js';
import { checkPortFree, listenFailure, webPortFromEnv } from './web-port.js';

describe('ALLIUM_WEB_PORT', () => {
  it('is optional: unset or empty means a free port', () => {
    expect(webPortFromEnv({})).toBeUndefined();
    expect(webPortFromEnv({ ALLIUM_WEB_PORT: '' })).toBeUndefined();
  });

  it('takes a whole number from 1 to 65535', () => {
    expect(webPortFromEnv({ ALLIUM_WEB_PORT: '1' })).toBe(1);
    expect(webPortFromEnv({ ALLIUM_WEB_PORT: '8080' })).toBe(8080);
    expect(webPortFromEnv({ ALLIUM_WEB_PORT: '65535' })).toBe(65_535);
  });

  it.each(['0', '65536', '99999', '-1', '80.5', '80.0', '8e1', '0x50', ' 80', '80 ', 'eighty', 'Infinity', 'NaN', '123456'])('refuses "%s", saying what it must be', (value) => {
    expect(() => webPortFromEnv({ ALLIUM_WEB_PORT: value })).toThrow(WebPortSettingError);
    expect(() => webPortFromEnv({ ALLIUM_WEB_PORT: value })).toThrow(
      `ALLIUM_WEB_PORT must be a whole number from 1 to 65535 (the port on 127.0.0.1 to serve Allium on), not "${value}". Leave it unset to use a free port.`,
    );
  });
});

describe('the port check', () => {
  it('passes a free port and refuses a taken one, naming the port', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const refused = checkPortFree(address.port);
    await expect(refused).rejects.toBeInstanceOf(WebPortUnavailableError);
    await expect(refused).rejects.toThrow(
      `Port ${address.port} on 127.0.0.1 is already in use by another program (or another Allium): choose another with ALLIUM_WEB_PORT, or leave it unset to use a free port.`,
    );
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    await expect(checkPortFree(address.port)).resolves.toBeUndefined();
  });

  it('explains a privileged port, and leaves other failures as they are', () => {
    const denied = Object.assign(new Error('listen EACCES: permission denied 127.0.0.1:80'), { code: 'EACCES' });
    expect(listenFailure(80, denied).message).toBe(
      'Port 80 on 127.0.0.1 needs privileges this user does not have (ports below 1024 usually do): choose another with ALLIUM_WEB_PORT, or leave it unset to use a free port.',
    );
    const other = Object.assign(new Error('listen EADDRNOTAVAIL'), { code: 'EADDRNOTAVAIL' });
    expect(listenFailure(8080, other).message).toBe('Could not listen on 127.0.0.1:8080');
    expect(listenFailure(8080, other).cause).toBe(other);
  });
});
