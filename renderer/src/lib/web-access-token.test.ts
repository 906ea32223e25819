// The page's hold on web mode's token: taken from the fragment and wiped from the address bar, kept for reloads in sessionStorage, never a cookie.
import { beforeEach, describe, expect, it } from 'vitest';
import { takeAccessToken } from './web-access-token.js';

const TOKEN = 'A'.repeat(20) + '_-' + 'z'.repeat(21);

describe('web access token', () => {
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, '', '/');
  });

  it('takes the token from #token=…, removes it from the address bar and keeps it for a reload of this tab', () => {
    history.replaceState(null, '', `/?view=chat#token=${TOKEN}`);
    expect(takeAccessToken()).toBe(TOKEN);
    expect(location.href).toBe(`${location.origin}/?view=chat`);
    expect(sessionStorage.getItem('allium.accessToken')).toBe(TOKEN);
    expect(document.cookie).toBe('');
    // A reload: the same tab's storage, no fragment any more.
    expect(takeAccessToken()).toBe(TOKEN);
  });

  it('has nothing to offer in a tab opened without the printed URL', () => {
    expect(takeAccessToken({ location: { hash: '', pathname: '/', search: '' }, history, sessionStorage: { getItem: () => null, setItem: () => undefined } })).toBeUndefined();
  });

  it('ignores a fragment that is not a token, and a newer URL replaces the kept token', () => {
    sessionStorage.setItem('allium.accessToken', TOKEN);
    history.replaceState(null, '', '/#token=not%20a%20token');
    expect(takeAccessToken()).toBe(TOKEN);
    const newer = 'b'.repeat(43);
    history.replaceState(null, '', `/#token=${newer}`);
    expect(takeAccessToken()).toBe(newer);
    expect(sessionStorage.getItem('allium.accessToken')).toBe(newer);
  });

  it('keeps the token in memory for this page when the browser refuses storage', () => {
    const refusing = {
      getItem: (): string | null => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: (): void => {
        throw new DOMException('denied', 'SecurityError');
      },
    };
    history.replaceState(null, '', `/#token=${TOKEN}`);
    expect(takeAccessToken({ location, history, sessionStorage: refusing })).toBe(TOKEN);
    expect(takeAccessToken({ location, history, sessionStorage: refusing })).toBe(TOKEN);
  });
});
