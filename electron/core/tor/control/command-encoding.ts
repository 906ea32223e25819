// Turns one command (and its optional data block) into the bytes sent to tor, refusing anything that could inject a second command.
import { InvalidControlCommandError, redactCommand } from './errors.js';

/**
 * Encodes `line` as `line CRLF`, or, with `data`, as the multi-line form `+line CRLF data . CRLF`
 * with the data dot-stuffed (control-spec §2.2). LF or CRLF in `data` both end a data line.
 */
export function encodeCommand(line: string, data?: string): string {
  if (line.trim() === '') throw new InvalidControlCommandError('a tor control command cannot be empty');
  if (/[\r\n\0]/.test(line)) {
    throw new InvalidControlCommandError(`tor control command "${redactCommand(line.split(/[\r\n\0]/, 1)[0] ?? '')}" contains CR, LF or NUL`);
  }
  if (data === undefined) return `${line}\r\n`;
  if (/\r(?!\n)|\0/.test(data)) {
    throw new InvalidControlCommandError(`data for "${redactCommand(line)}" contains a bare CR or NUL`);
  }
  const lines = data.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const body = lines.map((dataLine) => `${dataLine.startsWith('.') ? '.' : ''}${dataLine}\r\n`).join('');
  return `+${line}\r\n${body}.\r\n`;
}
