// Tests for the password strength check: each refusal names its reason.
import { describe, expect, it } from 'vitest';
import { checkPasswordStrength } from './password-strength.js';

describe('checkPasswordStrength', () => {
  it.each([
    ['short1!', 'at least 10 characters'],
    ['', 'at least 10 characters'],
    ['zzzzzzzzzzzz', 'single character'],
    ['abcabcabcabc', 'same short pattern'],
    ['lmnopqrstu', 'consecutive'],
    ['asdfghjklz', 'consecutive'],
    ['1234567890', 'most common'],
    ['zyxwvutsrqpon', 'consecutive'],
    ['Password123', 'most common'],
    ['aabbaabbab', 'fewer than 4 different'],
  ])('refuses %j because %s', (pw, reason) => {
    const result = checkPasswordStrength(pw);
    expect(result.ok).toBe(false);
    expect(result.reason).toContain(reason);
  });

  it('accepts a long passphrase and scores it higher than a merely acceptable one', () => {
    const weakish = checkPasswordStrength('tulipmarch');
    const strong = checkPasswordStrength('Correct horse battery staple 42');
    expect(weakish).toEqual({ ok: true, score: 1 });
    expect(strong.ok).toBe(true);
    expect(strong.score).toBe(4);
  });
});
