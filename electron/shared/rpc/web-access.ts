// How a web-mode page proves it holds the per-launch token: the launch URL's fragment hands it over, the WebSocket's subprotocols present it.

/** Web mode serves the API here on the page's own host. */
export const RPC_PATH = '/rpc';

/** The subprotocol the server selects; always offered next to the token's, since a browser needs one it offered echoed back. */
export const RPC_SUBPROTOCOL = 'allium.rpc.v1';

/** The token travels as the subprotocol `allium.token.<token>`: a header only our own server receives, never a cookie. */
const TOKEN_SUBPROTOCOL_PREFIX = 'allium.token.';

/** The fragment key of the launch URL; a fragment never leaves the browser, so no server (ours included) sees it in a request. */
const FRAGMENT_KEY = 'token';

/** base64url, which is also a valid subprotocol name (RFC 6455 allows only HTTP token characters there). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function isAccessToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** What web mode prints: `http://127.0.0.1:<port>/#token=<token>`. */
export function launchUrl(origin: string, token: string): string {
  return `${origin}/#${FRAGMENT_KEY}=${token}`;
}

/** The token in a location's fragment (`#token=…`), or undefined when there is none or it is malformed. */
export function tokenFromFragment(hash: string): string | undefined {
  const token = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash).get(FRAGMENT_KEY);
  return token !== null && isAccessToken(token) ? token : undefined;
}

/** The subprotocols a page offers when it opens the RPC WebSocket. */
export function rpcSubprotocols(token: string): string[] {
  return [RPC_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${token}`];
}

/** The token offered in a `Sec-WebSocket-Protocol` header (comma-separated), or undefined when none is. */
export function tokenFromSubprotocols(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const protocol of header.split(',')) {
    const trimmed = protocol.trim();
    if (trimmed.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return trimmed.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  }
  return undefined;
}
