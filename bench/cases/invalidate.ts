import { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import type { BenchContext } from "../lib/context.js";
import { fill } from "../lib/fill.js";
import { progress, type Row } from "../lib/result.js";
import { RUNS, size } from "../lib/scale.js";
import { percentile, ratios, spread } from "../lib/stats.js";

const NAMESPACE = "p3";
const SMALL = 1_000;
const BIG = size(1_000_000, 20_000);
const SAMPLES = size(400, 50);
const CHECKED_KEYS = 2_000;
const TARGET_RATIO = 1.2;

const keyOf = (tag: string) => (i: number) => `${tag}:${i}`;

type Tag = "small" | "big";
type Medians = Record<Tag, number>;

/**
 * Median latency (µs) of each path's call on each tag. Every sample takes
 * all four in turn, so the paths share the machine's state: when the gRPC
 * runs went first and the script's after, the gRPC figure alone paid for
 * whatever the machine was still doing after the fill.
 */
async function medians(paths: readonly ((tag: Tag) => Promise<unknown>)[]): Promise<Medians[]> {
  const us = paths.map(() => ({ small: [] as number[], big: [] as number[] }));
  for (let s = 0; s < SAMPLES; s++) {
    for (const tag of ["small", "big"] as const) {
      for (const [i, call] of paths.entries()) {
        const t0 = process.hrtime.bigint();
        await call(tag);
        us[i]![tag].push(Number(process.hrtime.bigint() - t0) / 1000);
      }
    }
  }
  return us.map((u) => ({ small: percentile(u.small, 50), big: percentile(u.big, 50) }));
}

/**
 * P3, invalidation is O(1): Invalidate latency on a tag carried by 1,000
 * entries against one carried by 1,000,000 (filled through set.lua,
 * pipelined), through the server and, for a sharper view, of the Redis
 * script alone. Afterwards sampled Gets of both sets must all miss.
 */
export async function invalidation(ctx: BenchContext): Promise<Row[]> {
  const t0 = performance.now();
  await fill(ctx.store, SMALL, keyOf("small"), () => ["small"], NAMESPACE);
  await fill(ctx.store, BIG, keyOf("big"), () => ["big"], NAMESPACE);
  progress(`P3 filled ${SMALL + BIG} entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const client = new TaggedCacheClient(ctx.server.address, { namespace: NAMESPACE });
  const rows: Row[] = [];
  const sample: string[] = [];
  const half = CHECKED_KEYS / 2;
  for (let i = 0; i < half; i++) {
    sample.push(keyOf("small")(Math.floor((i * SMALL) / half)), keyOf("big")(Math.floor((i * BIG) / half)));
  }
  try {
    const before = (await client.getMany(sample, 500)).size;
    if (before !== sample.length) throw new Error(`P3: only ${before} of ${sample.length} sampled entries hit before Invalidate`);
    const paths = [
      ["Invalidate via gRPC", (tag: Tag) => client.invalidate(tag)],
      ["invalidate.lua alone", (tag: Tag) => ctx.store.invalidate(NAMESPACE, [tag])],
    ] as const;
    await medians(paths.map(([, call]) => call));
    const runs: Medians[][] = [];
    for (let r = 0; r < RUNS; r++) runs.push(await medians(paths.map(([, call]) => call)));
    for (const [i, [what]] of paths.entries()) {
      const small = runs.map((m) => m[i]!.small), big = runs.map((m) => m[i]!.big);
      const rs = spread(ratios(big, small));
      progress(`P3 ${what}: ${spread(big).median.toFixed(0)} µs on ${BIG} entries, ${rs.median.toFixed(2)}× ${SMALL}`);
      rows.push({
        id: "P3",
        what: `${what} p50, tag on ${BIG.toLocaleString("en")} entries`,
        unit: "µs",
        value: spread(big),
        baseline: { what: `tag on ${SMALL.toLocaleString("en")} entries`, value: spread(small) },
        ratio: rs,
        target: what.endsWith("gRPC") ? { text: `ratio ≤ ${TARGET_RATIO}`, met: rs.median <= TARGET_RATIO } : undefined,
      });
    }
    // Every sampled entry of both sets hit before; now each must miss.
    const hits = (await client.getMany(sample, 500)).size;
    progress(`P3 sampled Gets after Invalidate: ${hits} of ${sample.length} hit`);
    rows.push({
      id: "P3",
      what: `sampled Gets hitting after Invalidate (of ${sample.length})`,
      unit: "hits",
      value: spread([hits]),
      target: { text: "0", met: hits === 0 },
    });
  } finally {
    client.close();
  }
  return rows;
}
