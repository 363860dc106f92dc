/** Cumulative bucket counts by upper bound (le), as Prometheus histograms keep them. */
export type Buckets = Array<{ le: number; count: number }>;

/**
 * The q-quantile from cumulative buckets, interpolated linearly inside the bucket that holds the
 * rank (Prometheus's histogram_quantile). Null when there were no observations; when the rank
 * falls in the +Inf bucket, the highest finite bound.
 */
export function histogramQuantile(q: number, buckets: Buckets): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe;
      const inBucket = b.count - prevCount;
      if (inBucket <= 0) return b.le;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = Number.isFinite(b.le) ? b.le : prevLe;
    prevCount = b.count;
  }
  return prevLe;
}

/** Element-wise difference of two cumulative bucket lists with the same bounds (a reset counts from zero). */
export function bucketDelta(now: Buckets, before: Buckets | undefined): Buckets {
  if (!before) return now;
  const prev = new Map(before.map((b) => [b.le, b.count]));
  const reset = now.some((b) => b.count < (prev.get(b.le) ?? 0));
  return now.map((b) => ({ le: b.le, count: reset ? b.count : b.count - (prev.get(b.le) ?? 0) }));
}
