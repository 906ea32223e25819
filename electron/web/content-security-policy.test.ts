// The CSP lets file previews load from blob: URLs as images and media only, and the page's own meta policy agrees.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './content-security-policy.js';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0] !== undefined && words[0] !== '')
      .map(([name = '', ...sources]) => [name, sources]),
  );
}

/** The sources a directive allows, falling back to default-src as browsers do for fetch directives. */
function sources(policy: Map<string, string[]>, name: string): string[] {
  return policy.get(name) ?? policy.get('default-src') ?? [];
}

const metaPolicy = (): Map<string, string[]> => {
  const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
  const content = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  if (content === undefined) throw new Error('renderer/index.html has no CSP meta tag');
  return directives(content);
};

describe('contentSecurityPolicy', () => {
  const header = directives(contentSecurityPolicy({ connectSources: ['ws://127.0.0.1:4173'], allowInlineStyles: true }));

  it('allows blob: for images and media, for file previews', () => {
    expect(sources(header, 'img-src')).toEqual(["'self'", 'blob:']);
    expect(sources(header, 'media-src')).toEqual(["'self'", 'blob:']);
  });

  it('allows blob: and data: nowhere else', () => {
    for (const [name, allowed] of header) {
      if (name === 'img-src' || name === 'media-src') continue;
      expect(allowed, name).not.toContain('blob:');
      expect(allowed, name).not.toContain('data:');
    }
    expect(sources(header, 'img-src')).not.toContain('data:');
    expect(sources(header, 'script-src')).toEqual(["'self'"]);
    expect(sources(header, 'frame-src')).toEqual(["'none'"]);
  });
});

describe("the renderer's meta policy", () => {
  // Both policies apply: a source the header allows but the meta tag does not is still blocked.
  it('lets previews through too: blob: for images and media', () => {
    const meta = metaPolicy();
    expect(sources(meta, 'img-src')).toContain('blob:');
    expect(sources(meta, 'media-src')).toContain('blob:');
  });

  it('allows blob: and data: nowhere else', () => {
    const meta = metaPolicy();
    for (const [name, allowed] of meta) {
      if (name !== 'img-src' && name !== 'media-src') expect(allowed, name).not.toContain('blob:');
      expect(allowed, name).not.toContain('data:');
    }
    expect(sources(meta, 'script-src')).toEqual(["'self'"]);
  });
});
