// Puts a deadline on one awaited step of the bench, so a stuck tor or a lost message fails the run by name.
import { BenchTimeoutError } from './errors.js';

/** Resolves or rejects as `work` does, or rejects with BenchTimeoutError after `timeoutMs`. */
export async function within<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BenchTimeoutError(what, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
