// Latency samples of sequential round trips: collect them after a warm-up, then summarize as percentiles.

export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly count: number;
}

/** Nearest-rank percentile of an ascending list (`p` in 0–100). */
function percentile(sorted: readonly number[], p: number): number {
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  if (value === undefined) throw new RangeError('percentile of no samples');
  return value;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), count: sorted.length };
}

/**
 * Times two kinds of round trip in alternating blocks after a warm-up of each, so load from elsewhere on the
 * machine (the relays, other processes) falls on both alike instead of on whichever ran second. `afterBlock`
 * runs between blocks, for probes that should see the same conditions.
 */
export async function interleavedRoundTrips<A, B>(
  { warmUp, count, block, afterBlock }: { warmUp: number; count: number; block: number; afterBlock: () => Promise<void> },
  first: () => Promise<A>,
  second: () => Promise<B>,
): Promise<{ first: A[]; second: B[] }> {
  for (let i = 0; i < warmUp; i += 1) await first();
  for (let i = 0; i < warmUp; i += 1) await second();
  const samples = { first: [] as A[], second: [] as B[] };
  while (samples.first.length < count) {
    const size = Math.min(block, count - samples.first.length);
    for (let i = 0; i < size; i += 1) samples.first.push(await first());
    for (let i = 0; i < size; i += 1) samples.second.push(await second());
    await afterBlock();
  }
  return samples;
}

/** Rounds a figure for the results table: µs resolution is plenty for onion round trips. */
export function ms(value: number): number {
  return Number(value.toFixed(3));
}
