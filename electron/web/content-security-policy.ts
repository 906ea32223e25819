// The renderer's Content-Security-Policy, one definition for the Electron window and for web mode.

/**
 * Everything comes from the app's own origin; no inline script or style (Svelte's CSS is emitted as files),
 * no eval, no plugins, no framing, no forms posting anywhere. `connectSources` adds the WebSocket origins in web mode.
 */
export function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    ['connect-src', "'self'", ...connectSources].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
