// The core's process-wide net: a rejection nobody handled is logged and the process keeps running (Node's default ends it).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRejection } from './unhandled-rejections.js';

const CHILD = join(import.meta.dirname, 'unhandled-rejections-child.ts');
const REPO = join(import.meta.dirname, '..', '..');

function runChild(...args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

describe('keepRunningOnUnhandledRejection', () => {
  it('logs a rejection nobody handled, saying it is a bug, and the process goes on', { timeout: 30_000 }, async () => {
    const { code, out } = await runChild();
    expect(out).toMatch(/^BUG: a background task failed and nobody handled it; the core keeps running: Error: a background save failed: ENOSPC/);
    expect(out).toContain('still running');
    expect(code).toBe(0);
  });

  it('is what keeps it alive: without it, Node ends the process', { timeout: 30_000 }, async () => {
    const { code, out } = await runChild('without-handler');
    expect(out).not.toContain('still running');
    expect(code).not.toBe(0);
  });

  it('writes a value that is not an error by its type only', () => {
    expect(describeRejection({ secret: 'key material' })).toBe('a non-error value (object)');
  });
});
