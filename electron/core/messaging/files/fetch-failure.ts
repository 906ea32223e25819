// Why fetching a file failed, and whether trying again can help: a network that may come back, or bytes that were altered, are gone or break the protocol.
import { CorruptProgressError, FileError, FileHashMismatchError } from '../../files/index.js';
import { TransferCancelledError, TransferInterruptedError, TransferProtocolError } from '../../files/transfer/index.js';
import { ProtocolError } from '../../protocol/errors.js';
import { RelayBlobGoneError, RelayError, RelayFailedError, RelayFullError, RelayRateLimitError, RelayUnreachableError } from '../../relay-client/index.js';
import type { FileProblem } from '../../store/index.js';

export type FetchFailure =
  /** The sender or relay is offline, slow or busy: worth trying again later, from what was verified. */
  | { readonly kind: 'retry' }
  | { readonly kind: 'cancelled'; readonly byPeer: boolean }
  /** Trying the same source again will not help: the file fails with `problem` and `words` (unless another source has it). */
  | { readonly kind: 'final'; readonly problem: FailureProblem | null; readonly words: string };

/** The problems that end a fetch for good. */
export type FailureProblem = Extract<FileProblem, 'altered' | 'gone' | 'protocol'>;

/** The words a file's final failure keeps as its error (the UI has its own, renderer/src/lib/text/file-words.ts). */
export const FAILURE_WORDS: Record<FailureProblem, string> = {
  altered: 'The file was altered on the way; what arrived was refused and deleted.',
  gone: 'The file is no longer where it was offered: its copy at the relay expired or was deleted.',
  protocol: 'The sender or relay answered in a way Allium does not accept; the file was not taken.',
};

/** At most this many characters of an error are kept with a file (the state allows 500). */
const ERROR_MAX_CHARS = 300;

/** Link and dial failures by name: tor not ready, the sender offline or busy. */
const RETRY_NAMES = new Set(['OnionDialError', 'SocksError', 'HandshakeConnectionError', 'NoLinkError', 'LinkClosedError', 'AuthRefusedError', 'HandshakeTimeoutError', 'CallerBlockedError']);
/** Socket errors that say nothing about the bytes, only about the way there. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTCONN', 'EAI_AGAIN', 'ENOENT']);

/** Sorts an error of one fetch attempt. */
export function classifyFetchError(error: unknown): FetchFailure {
  if (error instanceof TransferCancelledError) return { kind: 'cancelled', byPeer: error.by === 'peer' };
  if (isRetryable(error)) return { kind: 'retry' };
  // A record that does not open, records missing after "done", a whole that does not hash to the offer.
  if (error instanceof FileHashMismatchError || (error instanceof FileError && error.code === 'file-damaged')) return final('altered');
  if (error instanceof RelayBlobGoneError) return final('gone');
  if (error instanceof RelayError || error instanceof TransferProtocolError || error instanceof ProtocolError) return final('protocol');
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'final', problem: null, words: cut(message) };
}

function isRetryable(error: unknown): boolean {
  if (error instanceof TransferInterruptedError || error instanceof CorruptProgressError) return true;
  // Unreachable, asked to slow down, full for now, or failing inside: a relay that may answer later.
  if (error instanceof RelayUnreachableError || error instanceof RelayRateLimitError || error instanceof RelayFullError || error instanceof RelayFailedError) return true;
  if (!(error instanceof Error)) return false;
  if (RETRY_NAMES.has(error.name)) return true;
  const code = (error as NodeJS.ErrnoException).code;
  return !(error instanceof FileError) && !(error instanceof RelayError) && !(error instanceof ProtocolError) && typeof code === 'string' && NETWORK_CODES.has(code);
}

function final(problem: FailureProblem): FetchFailure {
  return { kind: 'final', problem, words: FAILURE_WORDS[problem] };
}

/** An error's words short enough to keep with a file. */
export function cut(text: string): string {
  const characters = [...text];
  return characters.length <= ERROR_MAX_CHARS ? text : `${characters.slice(0, ERROR_MAX_CHARS - 1).join('')}…`;
}
