// Durations are counted in fixed buckets so any range of days merges by
// addition. A percentile is read like Prometheus' histogram_quantile: find the
// bucket holding the rank, interpolate linearly inside it. The answer is
// within that bucket's bounds of the exact value.

/** Upper bounds in ms; the last bucket is open-ended. */
export const BUCKET_BOUNDS_MS = [
  1_000, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000, 45_000, 60_000, 90_000, 120_000, 180_000, 300_000,
  600_000, 1_800_000, Number.POSITIVE_INFINITY,
] as const;

export function bucketIndex(valueMs: number): number {
  return BUCKET_BOUNDS_MS.findIndex((upper) => valueMs <= upper);
}

export function bucketRange(index: number): { lower: number; upper: number } {
  return { lower: index === 0 ? 0 : (BUCKET_BOUNDS_MS[index - 1] as number), upper: BUCKET_BOUNDS_MS[index] as number };
}

/** counts[i]: values in bucket i. Undefined when there are none. */
export function percentile(counts: readonly number[], p: number): number | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = p * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const inBucket = counts[i] ?? 0;
    if (inBucket > 0 && below + inBucket >= rank) {
      const { lower, upper } = bucketRange(i);
      if (!Number.isFinite(upper)) return lower;
      return Math.round(lower + ((upper - lower) * Math.max(0, rank - below)) / inBucket);
    }
    below += inBucket;
  }
  return undefined;
}
