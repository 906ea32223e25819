// Words and marks for files in the chat: sizes, a type icon from the sniffed MIME type, and each transfer state.
import type { FileDto, FileProblem } from '../../../../electron/shared/api/index.js';
import { assertNever } from '../../../../electron/shared/assert-never.js';

const UNITS = ['KB', 'MB', 'GB'] as const;

/** Sizes as people read them: "512 bytes", "1.5 MB", "24 MB" (powers of 1024, one decimal below 10). */
export function fileSizeLabel(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${String(bytes)} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : String(Math.round(value))} ${UNITS[unit] ?? 'GB'}`;
}

/** A mark for the kind of file, from the type the core sniffed (never from the name). */
export function fileIcon(mime: string): string {
  if (mime.startsWith('image/')) return '🖼️';
  if (mime.startsWith('audio/')) return '🎵';
  if (mime.startsWith('video/')) return '🎬';
  if (mime === 'application/pdf') return '📄';
  if (mime.startsWith('text/')) return '📝';
  if (/zip|gzip|x-tar|x-7z|x-xz|x-bzip2/.test(mime)) return '🗜️';
  return '📎';
}

/** Why an incoming file failed for good, or waits for Accept although it is small enough to come by itself. */
export const FILE_PROBLEM_WORDS: Record<FileProblem, string> = {
  altered: 'the file was altered on the way. What arrived did not match what was sent, and was deleted',
  gone: 'the file is no longer at the relay it was left at, and the sender could not be asked for it',
  protocol: 'the sender or relay answered in a way Allium does not accept',
  'over-budget': 'Held: this sender (or everyone together) sent a lot of files today. Accept to download',
  'low-disk': 'Held: this computer is low on free space. Accept to download anyway',
};

/** What a file is doing, for the line under its name. */
export function fileStateLabel(file: FileDto, direction: 'in' | 'out', bytes: number): string {
  const percent = file.size === 0 ? 100 : Math.floor((bytes / file.size) * 100);
  switch (file.state) {
    case 'preparing':
      return 'Preparing…';
    case 'offered':
      if (direction === 'out') return 'Waiting for them to accept';
      return file.problem === 'over-budget' || file.problem === 'low-disk' ? FILE_PROBLEM_WORDS[file.problem] : 'Larger than your automatic download size: accept to download';
    case 'sending':
      return `Sending… ${String(percent)}%`;
    case 'receiving':
      return `Receiving… ${String(percent)}%`;
    case 'sent':
      return 'Sent';
    case 'received':
      return 'Received';
    case 'cancelled':
      return file.error ? `Cancelled: ${file.error}` : 'Cancelled';
    case 'failed':
      if (file.problem !== undefined) return `Failed: ${FILE_PROBLEM_WORDS[file.problem]}`;
      return file.error ? `Failed: ${file.error}` : 'Failed';
    default:
      return assertNever(file.state);
  }
}
