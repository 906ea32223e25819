// Polls a condition until it holds, failing with an error that names what was awaited.
export interface WaitForOptions {
  /** what is being waited for, used in the timeout error */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
}

/** Resolves with the first truthy value of `predicate`; a throwing predicate counts as not yet. */
export async function waitFor<T>(
  predicate: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { what, timeoutMs, intervalMs = 250 }: WaitForOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, lastError === undefined ? undefined : { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
