/**
 * How big the benchmark runs. BENCH_QUICK=1 shrinks every case to check that
 * the benchmark works end to end in well under a minute; its figures mean
 * little.
 */
export const QUICK = process.env.BENCH_QUICK === "1";

/** Repetitions of each measured run (median, min and max are reported). */
export const RUNS = QUICK ? 1 : 5;

/** `full` normally, `quick` under BENCH_QUICK=1. */
export function size(full: number, quick: number): number {
  return QUICK ? quick : full;
}
