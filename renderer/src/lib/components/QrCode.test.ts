// The QR code is an accessible SVG whose modules form a well-formed symbol: quiet zone, finder patterns, right size.
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import QrCode from './QrCode.svelte';

const ADDRESS = '25njqamcweflpvkl73j4szahhihoc4xt3ktcgjnpaingr5yhkenl5sid.onion';

/** Dark module coordinates, read back from the path's `M x y` commands (quiet zone removed). */
function darkModules(path: string): Set<string> {
  return new Set([...path.matchAll(/M(\d+) (\d+)/g)].map(([, x, y]) => `${String(Number(x) - 4)},${String(Number(y) - 4)}`));
}

describe('QrCode', () => {
  it('draws an onion address as a version-4 symbol (33 modules) with its three finder patterns', () => {
    render(QrCode, { props: { text: ADDRESS, label: 'QR code of your address' } });
    const svg = screen.getByRole('img', { name: 'QR code of your address' });
    expect(svg.getAttribute('viewBox')).toBe('0 0 41 41');
    const dark = darkModules(svg.querySelector('path')?.getAttribute('d') ?? '');
    for (const [ox, oy] of [
      [0, 0],
      [26, 0],
      [0, 26],
    ] as const) {
      // A finder pattern: a dark 7×7 ring around a light ring around a dark 3×3 centre.
      for (let i = 0; i < 7; i++) {
        expect(dark.has(`${String(ox + i)},${String(oy)}`)).toBe(true);
        expect(dark.has(`${String(ox + i)},${String(oy + 6)}`)).toBe(true);
      }
      expect(dark.has(`${String(ox + 1)},${String(oy + 1)}`)).toBe(false);
      expect(dark.has(`${String(ox + 3)},${String(oy + 3)}`)).toBe(true);
    }
  });

  it('grows with the text', () => {
    render(QrCode, { props: { text: `${ADDRESS} ${'x'.repeat(100)}`, label: 'longer' } });
    const size = Number(screen.getByRole('img', { name: 'longer' }).getAttribute('viewBox')?.split(' ')[2]);
    expect(size).toBeGreaterThan(41);
  });
});
