// Errors of the core's parts become API codes a UI can act on; only the unforeseen is `internal`.
import { describe, expect, it } from 'vitest';
import { BindingError, BundleFormatError, IdentityChangedError } from './signal/index.js';
import { toApiError } from './api-errors.js';

describe('toApiError', () => {
  it('turns Signal refusals into identity-changed and request-unusable, not internal', () => {
    expect(toApiError(new IdentityChangedError('peer'))).toMatchObject({ code: 'identity-changed' });
    expect(toApiError(new BundleFormatError('truncated', 'ends early'))).toMatchObject({ code: 'request-unusable' });
    expect(toApiError(new BindingError('peer', 'signature'))).toMatchObject({ code: 'request-unusable' });
  });

  it('keeps anything unforeseen as internal, without its details', () => {
    const error = toApiError(new Error('secret detail'));
    expect(error.code).toBe('internal');
    expect(error.message).not.toContain('secret detail');
  });
});
