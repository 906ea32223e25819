// Runs every clean-up step even when one fails, then reports the first failure instead of hiding it.
import { BenchFailureError } from './errors.js';

export async function settleAll(what: string, steps: readonly Promise<unknown>[]): Promise<void> {
  const outcomes = await Promise.allSettled(steps);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed !== undefined) throw new BenchFailureError(`${what} failed`, { cause: failed.reason });
}
