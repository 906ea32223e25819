// The launcher `npm start` and `npm run web` share (start.ts), run as a process: ALLIUM_WEB_PORT is read, and a bad or taken port is refused in words before any build.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo-paths.js';

const SECOND = 1000;

/**
 * Runs `tsx electron/web/start.ts --web` (what `npm run web` runs) with this ALLIUM_WEB_PORT; resolves when it exits, or
 * stops it as soon as it starts building, which a refused port must never reach.
 */
function runWeb(port: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'electron', 'web', 'start.ts'), '--web'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ALLIUM_WEB_PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Building the renderer')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run web', () => {
  it('refuses an ALLIUM_WEB_PORT that is not a port, and builds nothing', async () => {
    const { code, output } = await runWeb('80a');
    expect(code).toBe(1);
    expect(output).toContain('ALLIUM_WEB_PORT must be a whole number from 1 to 65535');
    expect(output).toContain('not "80a"');
    expect(output).not.toContain('Building the renderer');
  }, 60 * SECOND);

  it('refuses the port ALLIUM_WEB_PORT names when another program holds it, and builds nothing', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const { code, output } = await runWeb(String(address.port));
      expect(code).toBe(1);
      expect(output).toContain(`Port ${address.port} on 127.0.0.1 is already in use by another program`);
      expect(output).not.toContain('Building the renderer');
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  }, 60 * SECOND);
});
