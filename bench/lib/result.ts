import type { Spread } from "./stats.js";

/** One line of the results table. */
export interface Row {
  /** Short id of the case, e.g. "P1". */
  readonly id: string;
  /** What is measured, e.g. "GetMany keys/s, batch 100". */
  readonly what: string;
  readonly unit: string;
  /** The measured figure over the runs. */
  readonly value: Spread;
  /** The same-run baseline, when there is one. */
  readonly baseline?: { readonly what: string; readonly value: Spread };
  /** value / baseline per run, over the runs. */
  readonly ratio?: Spread;
  /** The target, in words (e.g. "ratio ≥ 1.0"), and whether the median meets it. */
  readonly target?: { readonly text: string; readonly met: boolean };
  /** Plotted in the throughput chart (a rate: higher is better). */
  readonly chart?: boolean;
}

/** Writes a progress line to stderr (the table goes to stdout). */
export function progress(message: string): void {
  const t = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[${t}] ${message}\n`);
}
