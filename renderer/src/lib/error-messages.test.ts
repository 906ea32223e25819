// Every API error code has words of its own, and anything else still reads as something to act on.
import { describe, expect, it } from 'vitest';
import { API_ERROR_CODES, ApiError } from '../../../electron/shared/api/index.js';
import { describeApiError, errorCode, errorMessage } from './error-messages.js';

describe('describeApiError', () => {
  it('has a message for every code, each different from the others', () => {
    const messages = API_ERROR_CODES.map((code) => describeApiError(code, 'detail'));
    for (const message of messages) expect(message.length).toBeGreaterThan(20);
    expect(new Set(messages).size).toBe(API_ERROR_CODES.length);
  });

  it('keeps the core’s detail where it names the specific problem', () => {
    expect(describeApiError('invalid-address', 'The checksum does not match')).toContain('The checksum does not match');
    expect(describeApiError('weak-password', 'too short')).toContain('too short');
  });
});

describe('errorMessage', () => {
  it('reads ApiError instances and plain { code, message } payloads by code', () => {
    expect(errorMessage(new ApiError('wrong-password', 'nope'))).toBe(describeApiError('wrong-password', 'nope'));
    expect(errorMessage({ code: 'locked', message: 'x' })).toBe(describeApiError('locked', 'x'));
    expect(errorCode({ code: 'blocked', message: 'x' })).toBe('blocked');
  });

  it('treats anything else as an internal failure, with its message', () => {
    expect(errorMessage(new Error('boom'))).toBe(describeApiError('internal', 'boom'));
    expect(errorMessage({ code: 'not-a-code', message: 'x' })).toContain('Something went wrong');
    expect(errorCode(new Error('boom'))).toBeUndefined();
  });
});
