// Shared settings of the store bench and its child process.
import type { HistoryMessage, ScryptParams } from '../../electron/core/store/index.js';

/** Profile creation is not what this bench measures; unlock with real parameters is reported separately. */
export const BENCH_KDF: ScryptParams = { name: 'scrypt', logN: 10, r: 8, p: 1 };
export const BENCH_PASSWORD = 'bench-password-sturdy-2026';

const WORDS = ['tor', 'onion', 'circuit', 'hello', 'see', 'you', 'at', 'noon', 'the', 'relay', 'is', 'up', 'again'];

/** A chat-sized text message (about 40 to 160 characters). */
export function benchMessage(n: number): HistoryMessage {
  const words = 8 + (n % 25);
  const body = Array.from({ length: words }, (_, i) => WORDS[(n + i * 7) % WORDS.length]).join(' ');
  const now = 1_760_000_000_000 + n * 1000;
  return { id: `${n.toString(16).padStart(16, '0')}${'0'.repeat(16)}`, direction: n % 3 === 0 ? 'in' : 'out', kind: 'text', body, sentAt: now, storedAt: now };
}
