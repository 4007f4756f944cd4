import type { Row } from "./result.js";

const WIDTH = 900;
const LABEL = 330;
const BAR = 14;
const GROUP = 2 * BAR + 18;
const TOP = 50;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const fmt = (n: number) => Math.round(n).toLocaleString("en");

/**
 * An SVG bar chart of the throughput rows: for each, the measured median and
 * its baseline's, scaled to the larger of the two (figures differ by orders
 * of magnitude between cases), with min–max whiskers.
 */
export function throughputSvg(rows: readonly Row[], title: string, footer: string): string {
  const plotted = rows.filter((r) => r.chart && r.baseline);
  const height = TOP + plotted.length * GROUP + 44;
  const span = WIDTH - LABEL - 170;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<rect x="10" y="30" width="10" height="10" fill="#2b6cb0"/><text x="24" y="39">TaggedCache</text>`,
    `<rect x="120" y="30" width="10" height="10" fill="#a0aec0"/><text x="134" y="39">same-run baseline</text>`,
  ];
  plotted.forEach((r, i) => {
    const y = TOP + i * GROUP;
    const scale = span / Math.max(r.value.max, r.baseline!.value.max);
    out.push(`<text x="10" y="${y + BAR + 4}">${esc(`${r.id} ${r.what}`)}</text>`);
    const bars = [
      [r.value, "#2b6cb0", `${fmt(r.value.median)} ${r.unit} (${r.ratio!.median.toFixed(2)}×)`],
      [r.baseline!.value, "#a0aec0", `${fmt(r.baseline!.value.median)} ${esc(r.baseline!.what)}`],
    ] as const;
    bars.forEach(([s, color, label], j) => {
      const by = y + j * BAR;
      out.push(`<rect x="${LABEL}" y="${by}" width="${(s.median * scale).toFixed(1)}" height="${BAR - 2}" fill="${color}"/>`);
      const wy = by + (BAR - 2) / 2;
      out.push(`<line x1="${(LABEL + s.min * scale).toFixed(1)}" x2="${(LABEL + s.max * scale).toFixed(1)}" y1="${wy}" y2="${wy}" stroke="black"/>`);
      out.push(`<text x="${(LABEL + s.max * scale + 6).toFixed(1)}" y="${by + BAR - 3}" font-size="11">${label}</text>`);
    });
  });
  out.push(`<text x="10" y="${height - 22}" font-size="11" fill="#555">bars: median of the runs, whiskers: min–max; each pair scaled to its larger figure</text>`);
  out.push(`<text x="10" y="${height - 8}" font-size="11" fill="#555">${esc(footer)}</text>`);
  out.push("</svg>");
  return out.join("\n") + "\n";
}
