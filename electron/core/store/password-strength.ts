// Judges whether a password is strong enough to protect a profile; pure TypeScript so the UI can share it.

export interface PasswordStrength {
  ok: boolean;
  /** Why the password is refused, in words a person understands; absent when ok. */
  reason?: string;
  /** Rough strength from 0 (useless) to 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4;
}

export const MIN_PASSWORD_LENGTH = 10;

// The most common choices in public breach lists that are at least MIN_PASSWORD_LENGTH long.
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '1234567890', '0123456789', '12345678910', '123456789a', 'qwertyuiop', 'qwertyuiop[]', '1q2w3e4r5t',
  '1qaz2wsx3edc', 'password12', 'password123', 'password1234', 'passw0rd123', 'iloveyou12', 'iloveyou123',
  'football123', 'baseball123', 'princess123', 'sunshine123', 'welcome123', 'letmein123', 'administrator',
  'qwerty1234', 'qwerty12345', 'qwerty123456', 'asdfghjkl1', 'zxcvbnm123', 'aaaaaaaaaa', 'abc1234567',
  'abcdefghij', 'abcd123456', 'monkey1234', 'dragon1234', 'master1234', 'superman123', 'trustno123',
  'changeme123', 'passwordpassword', 'mypassword', 'mypassword1', 'secret1234', 'computer123',
]);

const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '0123456789', 'qwertyuiopasdfghjklzxcvbnm'];

function isSequential(pw: string): boolean {
  const lower = pw.toLowerCase();
  return SEQUENCES.some((seq) => {
    const reversed = [...seq].reverse().join('');
    return seq.includes(lower) || reversed.includes(lower);
  });
}

function isRepeatedPattern(pw: string): boolean {
  for (let size = 1; size <= pw.length / 2; size += 1) {
    if (pw.length % size === 0 && pw.slice(0, size).repeat(pw.length / size) === pw) return true;
  }
  return false;
}

function characterClasses(pw: string): number {
  return [/[a-z]/u, /[A-Z]/u, /[0-9]/u, /[^a-zA-Z0-9]/u].filter((re) => re.test(pw)).length;
}

export function checkPasswordStrength(pw: string): PasswordStrength {
  const length = [...pw].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return { ok: false, score: 0, reason: `it must be at least ${String(MIN_PASSWORD_LENGTH)} characters long` };
  }
  if (new Set(pw).size === 1) return { ok: false, score: 0, reason: 'it repeats a single character' };
  if (isRepeatedPattern(pw)) return { ok: false, score: 0, reason: 'it repeats the same short pattern' };
  if (COMMON_PASSWORDS.has(pw.toLowerCase())) return { ok: false, score: 0, reason: 'it is one of the most common passwords' };
  if (isSequential(pw)) return { ok: false, score: 0, reason: 'it is a run of consecutive keys or letters' };
  if (new Set(pw).size < 4) return { ok: false, score: 1, reason: 'it uses fewer than 4 different characters' };
  const classes = characterClasses(pw);
  const score = Math.min(4, 1 + (length >= 14 ? 1 : 0) + (length >= 20 ? 1 : 0) + (classes >= 3 ? 1 : 0)) as 1 | 2 | 3 | 4;
  return { ok: true, score };
}
