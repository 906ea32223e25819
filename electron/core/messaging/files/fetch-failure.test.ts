// Sorting a failed fetch: only what can recover is tried again; an error's `code` alone no longer makes it a network error.
import { describe, expect, it } from 'vitest';
import { FileHashMismatchError, RecordAuthenticationError, TruncatedFileError } from '../../files/index.js';
import { TransferCancelledError, TransferInterruptedError, TransferProtocolError } from '../../files/transfer/index.js';
import { AuthRefusedError, MalformedFrameError } from '../../protocol/errors.js';
import { RelayBlobGoneError, RelayCapabilityError, RelayFailedError, RelayProtocolError, RelayRateLimitError, RelayUnreachableError } from '../../relay-client/index.js';
import { FAILURE_WORDS, classifyFetchError } from './fetch-failure.js';

const coded = (code: string): Error => Object.assign(new Error(`connect ${code}`), { code });

describe('classifyFetchError', () => {
  it.each([
    ['a cut transfer', new TransferInterruptedError('the stream closed')],
    ['a relay out of reach', new RelayUnreachableError('down')],
    ['a relay asking to slow down', new RelayRateLimitError('slow', 'rate-limited', 1_000)],
    ['a relay failing inside', new RelayFailedError('internal')],
    ['a refused socket', coded('ECONNREFUSED')],
    ['a reset socket', coded('ECONNRESET')],
    ['a sender that refuses us for now', new AuthRefusedError('x', 'locked')],
  ])('tries again after %s', (_what, error) => {
    expect(classifyFetchError(error)).toEqual({ kind: 'retry' });
  });

  it.each([
    ['a record that does not open', new RecordAuthenticationError(3), 'altered'],
    ['records missing after done', new TruncatedFileError(2, 5), 'altered'],
    ['a whole that does not hash to the offer', new FileHashMismatchError('a'.repeat(64), 'b'.repeat(64)), 'altered'],
    ['a blob gone from the relay', new RelayBlobGoneError('gone', 'blob-not-found'), 'gone'],
    ['a relay answering another range', new RelayProtocolError('range'), 'protocol'],
    ['a relay refusing the capability', new RelayCapabilityError('no', 'capability-invalid'), 'protocol'],
    ['a sender breaking the transfer protocol', new TransferProtocolError('want from the sender'), 'protocol'],
    ['a malformed frame', new MalformedFrameError('bad'), 'protocol'],
  ] as const)('gives up on %s', (_what, error, problem) => {
    expect(classifyFetchError(error)).toEqual({ kind: 'final', problem, words: FAILURE_WORDS[problem] });
  });

  it('gives up on an error of its own with its words cut short, whatever its code', () => {
    const failure = classifyFetchError(Object.assign(new Error(`no space: ${'x'.repeat(1_000)}`), { code: 'ENOSPC' }));
    expect(failure).toMatchObject({ kind: 'final', problem: null });
    expect(failure.kind === 'final' && [...failure.words].length).toBe(300);
  });

  it('tells a cancel by the sender from one here', () => {
    expect(classifyFetchError(new TransferCancelledError('peer', 'cancelled'))).toEqual({ kind: 'cancelled', byPeer: true });
    expect(classifyFetchError(new TransferCancelledError('local', 'cancelled'))).toEqual({ kind: 'cancelled', byPeer: false });
  });
});
