// A full roster log (10,000 operations, most on a side chain written after old heads) is accepted and folded
// within a 128 MiB heap: ancestry is one bitset per operation, not a set of every ancestor (which took over 1 GiB).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./roster-log-scale.fixture.ts', import.meta.url));

describe('roster log at its cap', () => {
  it('10,000 operations are accepted from the store and folded in a 128 MiB heap, and the next one is refused as full', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=128', '--import', 'tsx', fixture], { maxBuffer: 1 << 20 });
    expect(JSON.parse(stdout)).toEqual({ size: 10_000, name: 'joined', members: 2, order: 10_000, full: 'operations' });
  }, 180_000);
});
