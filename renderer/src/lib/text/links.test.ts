// Link detection: http(s) only, sentence punctuation left out, everything else kept as text.
import { describe, expect, it } from 'vitest';
import { splitLinks } from './links.js';

describe('splitLinks', () => {
  it('finds http and https links and leaves the text around them', () => {
    expect(splitLinks('see https://example.org/a?b=1, then http://x.onion.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', url: 'https://example.org/a?b=1' },
      { kind: 'text', text: ', then ' },
      { kind: 'link', text: 'http://x.onion', url: 'http://x.onion' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('never makes links of other schemes', () => {
    expect(splitLinks('javascript:alert(1) file:///etc/passwd data:text/html,x')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) file:///etc/passwd data:text/html,x' },
    ]);
  });

  it('returns nothing for empty text', () => {
    expect(splitLinks('')).toEqual([]);
  });
});
