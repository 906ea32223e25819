// The interactive client in a real pseudo-terminal (tmux): the password is not echoed, and a message arriving mid-line prints above the
// prompt while the half-typed line stays intact and editable.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../scripts/test/wait-for.js';

const SCRIPT = fileURLToPath(new URL('./test/scripted-core-client.ts', import.meta.url));
const session = `allium-cli-${String(process.pid)}`;
const dir = mkdtempSync(join(tmpdir(), 'allium-cli-pty-'));
// A tmux server of this test's own (-L), so no one else's sessions are touched.
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', session, ...args], { encoding: 'utf8' });
/** The visible screen, trailing blanks removed. */
const screen = (): string[] => tmux('capture-pane', '-p', '-t', session).split('\n').map((l) => l.trimEnd());
const lastLine = (): string => screen().filter((l) => l !== '').at(-1) ?? '';
const showing = async (what: string, test: (lines: string[]) => boolean): Promise<void> => {
  try {
    await waitFor(() => test(screen()), { what: `the terminal to show ${what}`, timeoutMs: 15_000, intervalMs: 100 });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; it shows:\n${screen().join('\n')}`, { cause: error });
  }
};

describe('the interactive terminal client', () => {
  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // Already gone with its client.
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints an incoming message above the line being typed and keeps that line whole', async () => {
    const pidFile = join(dir, 'pid');
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '30', `${process.execPath} --import tsx ${SCRIPT} ${pidFile}`);
    await showing('the profile question', (l) => l.some((x) => x.startsWith('Profile:')));
    tmux('send-keys', '-t', session, '-l', 'alice');
    tmux('send-keys', '-t', session, 'Enter');
    await showing('the password question', (l) => l.some((x) => x.startsWith('Password for alice:')));
    tmux('send-keys', '-t', session, '-l', 'hunter2-secret');
    tmux('send-keys', '-t', session, 'Enter');
    await showing('the prompt', (l) => l.some((x) => x.startsWith('Your address:')) && l.filter((x) => x !== '').at(-1) === '>');
    expect(screen().join('\n')).not.toContain('hunter2');

    tmux('send-keys', '-t', session, '-l', 'SEND bob hello wor');
    await showing('the typed text', () => lastLine() === '> SEND bob hello wor');
    process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGUSR2');
    await showing('the message', (l) => l.includes('bob: are you there?'));
    const lines = screen().filter((l) => l !== '');
    expect(lines.at(-1)).toBe('> SEND bob hello wor');
    expect(lines.at(-2)).toBe('bob: are you there?');
    expect(lines.filter((l) => l.includes('hello wor'))).toHaveLength(1);

    // The line is still readline's to edit: finishing it sends the whole text.
    tmux('send-keys', '-t', session, '-l', 'ld');
    tmux('send-keys', '-t', session, 'Enter');
    await showing('the sent line', (l) => l.includes('→ bob: hello world'));
    expect(lastLine()).toBe('>');
  });
});
