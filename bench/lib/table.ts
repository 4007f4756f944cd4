import type { Machine } from "./machine.js";
import type { Row } from "./result.js";
import type { Spread } from "./stats.js";

function num(n: number): string {
  if (!Number.isFinite(n)) return "–";
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString("en");
  if (Math.abs(n) >= 100) return n.toFixed(0);
  return n.toFixed(n === Math.round(n) ? 0 : 1);
}

function range(s: Spread, f = num): string {
  return s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

const x = (n: number) => `${n.toFixed(2)}×`;

/** The results as a Markdown table: median (min–max) of each figure, its baseline and ratio. */
export function markdownTable(rows: readonly Row[]): string {
  const lines = [
    "| case | measure | median (min–max) | baseline | baseline median (min–max) | ratio median (min–max) | target | met |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    lines.push(
      "| " +
        [
          r.id,
          r.what,
          `${range(r.value)} ${r.unit}`,
          r.baseline?.what ?? "",
          r.baseline ? `${range(r.baseline.value)} ${r.unit}` : "",
          r.ratio ? range(r.ratio, x) : "",
          r.target?.text ?? "",
          r.target ? (r.target.met ? "yes" : "**no**") : "",
        ].join(" | ") +
        " |",
    );
  }
  return lines.join("\n");
}

/** One line naming the machine. */
export function machineLine(m: Machine, quick: boolean): string {
  return `${m.cpus} CPUs (${m.cpuModel}), Node ${m.node}, Redis ${m.redis}${quick ? " — BENCH_QUICK run, figures not meaningful" : ""}`;
}
