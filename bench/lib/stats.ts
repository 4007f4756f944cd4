/** Median, smallest and largest of a set of repeated measurements. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The `p`-th percentile (0..100) of samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** Median, min and max of repeated runs. */
export function spread(samples: readonly number[]): Spread {
  return {
    median: percentile(samples, 50),
    min: Math.min(...samples),
    max: Math.max(...samples),
  };
}

/** Per-run ratios value[i] / baseline[i] (runs are interleaved, so each pair shares conditions). */
export function ratios(values: readonly number[], baselines: readonly number[]): number[] {
  return values.map((v, i) => v / baselines[i]!);
}
