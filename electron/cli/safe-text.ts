// Makes text that a peer controls (names, messages, file names) safe to print on a terminal: no escape sequences, controls or bidi tricks.

// C0 and C1 controls (tab and newline handled apart), DEL, and the bidi embeddings, overrides and isolates.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** One line: every unsafe character becomes U+FFFD, tabs and line breaks become spaces. */
export function safeText(text: string): string {
  return text.replace(UNSAFE, '\uFFFD').replace(/[\t\n]/gu, ' ');
}

/** A message body: unsafe characters replaced, line breaks kept but indented under the line that starts it. */
export function safeBody(text: string, indent = '  '): string {
  return text
    .split('\n')
    .map((line) => line.replace(UNSAFE, '\uFFFD').replace(/\t/gu, ' '))
    .join(`\n${indent}`);
}
