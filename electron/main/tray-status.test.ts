// The tray's few words for each core state.
import { describe, expect, it } from 'vitest';
import type { IdentityDto, TorStatusDto } from '../shared/api/index.js';
import { trayStatusText } from './tray-status.js';

const running: TorStatusDto = { state: 'running', progress: 100, summary: 'Done' };
const identity = (reachability: IdentityDto['reachability']): IdentityDto => ({ address: 'a'.repeat(56), nickname: 'me', reachability, shareText: `${'a'.repeat(56)}.onion` });

describe('trayStatusText', () => {
  it('follows tor and reachability', () => {
    expect(trayStatusText({ locked: true, tor: running })).toBe('Allium: locked');
    expect(trayStatusText({ locked: false })).toBe('Allium: starting');
    expect(trayStatusText({ locked: false, tor: { state: 'starting', progress: 42.4, summary: 'Loading' } })).toBe('Allium: connecting to Tor 42%');
    expect(trayStatusText({ locked: false, tor: running, identity: identity('publishing') })).toBe('Allium: publishing your address');
    expect(trayStatusText({ locked: false, tor: running, identity: identity('reachable') })).toBe('Allium: online');
    expect(trayStatusText({ locked: false, tor: { ...running, networkUp: false }, identity: identity('reachable') })).toBe('Allium: offline (no network)');
    expect(trayStatusText({ locked: false, tor: { state: 'stopped', progress: 0, summary: '', lastError: 'tor exited' } })).toBe('Allium: tor stopped (tor exited)');
  });
});
