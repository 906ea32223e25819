// What the tray says about the core: tor's progress and whether the profile can be reached, in a few words.
import type { IdentityDto, TorStatusDto } from '../shared/api/index.js';

export interface TrayState {
  readonly tor?: TorStatusDto;
  readonly identity?: IdentityDto;
  readonly locked: boolean;
}

export function trayStatusText(state: TrayState): string {
  if (state.locked) return 'Allium: locked';
  const tor = state.tor;
  if (tor === undefined) return 'Allium: starting';
  switch (tor.state) {
    case 'stopped':
      return tor.lastError === undefined ? 'Allium: tor stopped' : `Allium: tor stopped (${tor.lastError})`;
    case 'starting':
    case 'restarting':
      return `Allium: connecting to Tor ${Math.round(tor.progress)}%`;
    case 'stopping':
      return 'Allium: stopping';
    case 'running':
      if (tor.networkUp === false) return 'Allium: offline (no network)';
      switch (state.identity?.reachability) {
        case 'reachable':
          return 'Allium: online';
        case 'publishing':
          return 'Allium: publishing your address';
        case 'offline':
        case undefined:
          return 'Allium: connected to Tor';
      }
  }
}
