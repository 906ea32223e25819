// Lines printed while someone types: the prompt and typed text are cleared from where they start, the line written, then both redrawn.
import { describe, expect, it } from 'vitest';
import { terminalOutput } from './output.js';
import { safeBody, safeText } from './safe-text.js';
import { TerminalScreen, type PromptLike } from './screen.js';

function fakeTerminal(rows = 0): { out: string[]; prompt: PromptLike & { redraws: boolean[] } } {
  const out: string[] = [];
  const prompt = {
    redraws: [] as boolean[],
    getCursorPos: () => ({ rows, cols: 3 }),
    prompt(preserveCursor?: boolean) {
      this.redraws.push(preserveCursor === true);
      out.push('<prompt>');
    },
  };
  return { out, prompt };
}

describe('TerminalScreen', () => {
  it('writes plainly before a prompt is attached', () => {
    const { out } = fakeTerminal();
    const screen = new TerminalScreen({ write: (s: string) => out.push(s) });
    screen.print('hello');
    expect(out).toEqual(['hello\n']);
  });

  it('clears the prompt line, prints above it and redraws the prompt keeping the cursor', () => {
    const { out, prompt } = fakeTerminal();
    const screen = new TerminalScreen({ write: (s: string) => out.push(s) });
    screen.attach(prompt);
    out.length = 0;
    screen.print('bob: hi');
    expect(out).toEqual(['\r\u001b[Jbob: hi\n', '<prompt>']);
    expect(prompt.redraws.at(-1)).toBe(true);
  });

  it('climbs to the start of a typed line that wrapped over rows before clearing', () => {
    const { out, prompt } = fakeTerminal(2);
    const screen = new TerminalScreen({ write: (s: string) => out.push(s) });
    screen.attach(prompt);
    out.length = 0;
    screen.print('bob: hi');
    expect(out[0]).toBe('\u001b[2A\r\u001b[Jbob: hi\n');
  });

  it('replaces the previous progress line of the same key, and only that', () => {
    const { out, prompt } = fakeTerminal();
    const screen = new TerminalScreen({ write: (s: string) => out.push(s) });
    screen.attach(prompt);
    out.length = 0;
    screen.progress('tor', 'Tor: 10%');
    screen.progress('tor', 'Tor: 50%');
    screen.progress('file', 'a.png: 10%');
    screen.print('bob: hi');
    screen.progress('file', 'a.png: 20%');
    expect(out.filter((s) => s !== '<prompt>')).toEqual([
      '\r\u001b[JTor: 10%\n',
      '\u001b[1A\r\u001b[JTor: 50%\n',
      '\r\u001b[Ja.png: 10%\n',
      '\r\u001b[Jbob: hi\n',
      '\r\u001b[Ja.png: 20%\n',
    ]);
  });
});

describe('safeText', () => {
  it('takes escape sequences, controls and bidi overrides out of text a peer chose', () => {
    const hostile = 'ev\u001b[2J\u001b]0;pwned\u0007il\r\u202eeman\u0000\u009b';
    const safe = safeText(hostile);
    // eslint-disable-next-line no-control-regex
    expect(safe).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/u);
    expect(safe).toContain('ev');
    expect(safeText('two\nlines\tand a tab')).toBe('two lines and a tab');
  });

  it('keeps a message’s line breaks, indented, and nothing else', () => {
    expect(safeBody('one\ntwo\u001b[A')).toBe('one\n  two\uFFFD[A');
  });
});

describe('terminalOutput', () => {
  it('prints a refusal that quotes a relay without the relay’s escape sequences', () => {
    const out: string[] = [];
    terminalOutput(new TerminalScreen({ write: (s: string) => out.push(s) })).failure('RELAY ADD', 'relay-refused', 'The relay says: \u001b[31mfull\u001b[0m');
    expect(out).toEqual(['The relay says: \uFFFD[31mfull\uFFFD[0m\n']);
  });
});
