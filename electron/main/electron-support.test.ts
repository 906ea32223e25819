// Electron fixes security bugs in its newest three majors only: this fails once the pinned major has dropped out of them, by the dates in electron-releases.json.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const Releases = z.object({
  majors: z.array(z.object({ major: z.number().int(), stable: z.iso.date(), projected: z.boolean().optional() })).min(3),
});
type Releases = z.infer<typeof Releases>;

const releases = Releases.parse(JSON.parse(readFileSync(new URL('./electron-releases.json', import.meta.url), 'utf8')));
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> };
const installed = (createRequire(import.meta.url)('electron/package.json') as { version: string }).version;

const majorOf = (version: string): number => Number(/(\d+)\./.exec(version)?.[1]);
const pinned = majorOf(manifest.devDependencies.electron ?? '');

/** The three newest majors released on `date` (YYYY-MM-DD). */
function supportedMajors(table: Releases, date: string): number[] {
  return table.majors
    .filter((entry) => entry.stable <= date)
    .map((entry) => entry.major)
    .sort((a, b) => b - a)
    .slice(0, 3);
}

describe('the pinned Electron', () => {
  it('is the one installed', () => {
    expect(majorOf(installed)).toBe(pinned);
  });

  it('is still among the three supported majors today', () => {
    const today = new Date().toISOString().slice(0, 10);
    const supported = supportedMajors(releases, today);
    expect(supported, `Electron ${pinned} is out of support on ${today} (supported: ${supported.join(', ')}); see README, "Keeping Electron current"`).toContain(pinned);
  });

  it('has the table reach the release that ends its support, so the check above can fail in time', () => {
    expect(releases.majors.map((entry) => entry.major), 'add the next majors to electron/main/electron-releases.json').toContain(pinned + 3);
  });
});

describe('supportedMajors', () => {
  it('counts the newest three majors released by a date', () => {
    expect(supportedMajors(releases, '2026-12-02')).toEqual([45, 44, 43]);
    expect(supportedMajors(releases, '2027-04-06')).toEqual([47, 46, 45]);
  });

  it('drops a major on the day the third one after it comes out', () => {
    expect(supportedMajors(releases, '2027-04-07')).toEqual([48, 47, 46]);
  });
});
