// The renderer's Content-Security-Policy, one definition for the Electron window and for web mode.

export interface CspOptions {
  /** Extra origins the page may connect to: the WebSocket origins in web mode, Vite's dev server in development. */
  readonly connectSources?: readonly string[];
  /** Development only: Vite's dev server injects component styles as <style> elements. */
  readonly allowInlineStyles?: boolean;
}

/**
 * Everything comes from the app's own origin; no inline script or style (Svelte's CSS is emitted as files),
 * no eval, no plugins, no framing, no forms posting anywhere. Images and media may also be blob: URLs: previews of
 * received files, made in the page from verified bytes; nothing else may load from blob: (or data:).
 */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    options.allowInlineStyles === true ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "img-src 'self' blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    ['connect-src', "'self'", ...(options.connectSources ?? [])].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
