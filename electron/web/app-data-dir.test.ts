// The default data folder per OS and its overrides.
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from './app-data-dir.js';

describe('resolveDataDir', () => {
  it('uses ALLIUM_DATA_DIR when it is set', () => {
    expect(resolveDataDir({ env: { ALLIUM_DATA_DIR: '/srv/allium' }, platform: 'linux', home: '/home/a' })).toBe('/srv/allium');
  });

  it('follows each OS convention otherwise', () => {
    expect(resolveDataDir({ env: {}, platform: 'linux', home: '/home/a' })).toBe('/home/a/.local/share/Allium');
    expect(resolveDataDir({ env: { XDG_DATA_HOME: '/data' }, platform: 'linux', home: '/home/a' })).toBe('/data/Allium');
    expect(resolveDataDir({ env: { XDG_DATA_HOME: 'relative' }, platform: 'freebsd', home: '/home/a' })).toBe('/home/a/.local/share/Allium');
    expect(resolveDataDir({ env: {}, platform: 'darwin', home: '/Users/a' })).toBe('/Users/a/Library/Application Support/Allium');
    expect(resolveDataDir({ env: { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\a' })).toBe('C:\\Users\\a\\AppData\\Roaming\\Allium');
  });

  it('ignores an empty override', () => {
    expect(resolveDataDir({ env: { ALLIUM_DATA_DIR: '' }, platform: 'linux', home: '/home/a' })).toBe('/home/a/.local/share/Allium');
  });
});
