// Web mode's per-launch token in the page: taken from the launch URL's fragment, kept in this tab's sessionStorage, never in a cookie.
import { tokenFromFragment } from '../../../electron/shared/rpc/index.js';

/**
 * sessionStorage belongs to this tab and this origin (port included): a reload keeps the token, another local server
 * cannot read it, and nothing sends it anywhere by itself, unlike a cookie, which a browser sends to every port of the host.
 */
const STORAGE_KEY = 'allium.accessToken';

/** The browser parts this needs, so a test can hand in its own. */
export interface TokenPlace {
  readonly location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  readonly history: Pick<History, 'replaceState' | 'state'>;
  readonly sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
}

/** Where the token lives when the browser refuses storage: it then lasts as long as this page, not across a reload. */
let remembered: string | undefined;

/**
 * The token of this launch: from `#token=…` when the page was opened with the printed URL (the fragment is then removed
 * from the address bar and this history entry, so it is not shown or bookmarked), else the one this tab kept.
 */
export function takeAccessToken(place: TokenPlace = window): string | undefined {
  const fromUrl = tokenFromFragment(place.location.hash);
  if (fromUrl !== undefined) {
    try {
      place.sessionStorage.setItem(STORAGE_KEY, fromUrl);
      remembered = undefined;
    } catch {
      // Storage disabled: the token stays in memory for this page.
      remembered = fromUrl;
    }
    place.history.replaceState(place.history.state, '', `${place.location.pathname}${place.location.search}`);
    return fromUrl;
  }
  try {
    return place.sessionStorage.getItem(STORAGE_KEY) ?? remembered;
  } catch {
    return remembered;
  }
}
