// Prints lines above the line being typed: the prompt and its text are cleared, the line written, and both redrawn where they were.

/** What the screen needs from node:readline's Interface. */
export interface PromptLike {
  /** Where the cursor is, counted from the start of the prompt (rows below it). */
  getCursorPos(): { readonly rows: number; readonly cols: number };
  /** Redraws the prompt and the typed text, the cursor where it was. */
  prompt(preserveCursor?: boolean): void;
}

export interface Writable {
  write(text: string): unknown;
}

const UP = (rows: number): string => (rows > 0 ? `\u001b[${String(rows)}A` : '');
/** To the start of the line, then erase it and everything below (a typed line may wrap). */
const CLEAR_DOWN = '\r\u001b[J';

export class TerminalScreen {
  #prompt: PromptLike | undefined;
  /** The last line written was this progress line, so the next one of the same key replaces it. */
  #progressKey: string | undefined;

  constructor(private readonly out: Writable) {}

  /** From now on lines go above this prompt; before, they are written plainly. */
  attach(prompt: PromptLike): void {
    this.#prompt = prompt;
    prompt.prompt();
  }

  detach(): void {
    this.#prompt = undefined;
  }

  /** Shows the prompt again (after an empty line). */
  redraw(): void {
    this.#prompt?.prompt(true);
  }

  /** One or more lines, printed above the prompt. */
  print(text: string): void {
    this.#write(text, false);
    this.#progressKey = undefined;
  }

  /** A line that the next progress of the same `key` overwrites (transfer percentages, tor's bootstrap). */
  progress(key: string, text: string): void {
    this.#write(text, this.#progressKey === key);
    this.#progressKey = key;
  }

  #write(text: string, replaceLast: boolean): void {
    const prompt = this.#prompt;
    const lift = replaceLast ? 1 : 0;
    if (prompt === undefined) {
      this.out.write(`${replaceLast ? `${UP(1)}${CLEAR_DOWN}` : ''}${text}\n`);
      return;
    }
    this.out.write(`${UP(prompt.getCursorPos().rows + lift)}${CLEAR_DOWN}${text}\n`);
    prompt.prompt(true);
  }
}
