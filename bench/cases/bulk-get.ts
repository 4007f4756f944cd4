import type { BenchContext } from "../lib/context.js";
import { cpuNow, cpuPer, type CpuSplit } from "../lib/cpu-split.js";
import { keyOf, NAMESPACE } from "../lib/data.js";
import { batchesOf, grpcClient, runGetMany, runPipelinedGet, type BulkRun } from "../lib/get-many-driver.js";
import { progress, type Row } from "../lib/result.js";
import { RUNS, size } from "../lib/scale.js";
import { ratios, spread } from "../lib/stats.js";
import { ENTRIES } from "./memory.js";

const IN_FLIGHT = 16;
const TARGET_BATCH = 100;
const TARGET_RATIO = 1.0;
// Keys looked up per run, by batch size: enough for about a second or two.
const KEYS_PER_RUN: Record<number, number> = {
  1: size(10_000, 1_000),
  10: size(30_000, 5_000),
  100: size(100_000, 20_000),
  1000: size(100_000, 20_000),
};

const keysPerSecond = (r: BulkRun) => (r.keys / r.ms) * 1000;

/**
 * P1, bulk Get: GetMany hits over one stream with 16 messages in flight,
 * against plain ioredis pipelined GETs of the same keys (no tag checks) with
 * 16 pipelines in flight, both from this one process. The entries are P4's
 * (3 tags, 100-byte values). Runs alternate between the two.
 */
export async function bulkGet(ctx: BenchContext): Promise<Row[]> {
  const client = grpcClient(ctx.server.address);
  const rows: Row[] = [];
  try {
    for (const batch of [1, 10, 100, 1000]) {
      const messages = KEYS_PER_RUN[batch]! / batch;
      const ours = batchesOf(messages, batch, ENTRIES, keyOf);
      const raw = ours.map((keys) => keys.map((k) => `tc:e:${NAMESPACE.length}:${NAMESPACE}:${k}`));
      // Warm-up: JIT, connections, Redis script cache.
      await runGetMany(client, NAMESPACE, ours.slice(0, Math.ceil(messages / 4)), IN_FLIGHT);
      await runPipelinedGet(ctx.redis, raw.slice(0, Math.ceil(messages / 4)), IN_FLIGHT);
      const got: number[] = [];
      const base: number[] = [];
      const cpu: CpuSplit[] = [];
      const cpuBase: CpuSplit[] = [];
      for (let r = 0; r < RUNS; r++) {
        const c0 = await cpuNow(ctx);
        const g = await runGetMany(client, NAMESPACE, ours, IN_FLIGHT);
        const c1 = await cpuNow(ctx);
        const b = await runPipelinedGet(ctx.redis, raw, IN_FLIGHT);
        const c2 = await cpuNow(ctx);
        if (g.hits !== g.keys || b.hits !== b.keys) throw new Error(`P1: expected only hits (${g.hits}/${g.keys}, ${b.hits}/${b.keys})`);
        got.push(keysPerSecond(g));
        base.push(keysPerSecond(b));
        cpu.push(cpuPer(c0, c1, g.keys));
        cpuBase.push(cpuPer(c1, c2, b.keys));
      }
      const ratio = spread(ratios(got, base));
      progress(`P1 batch ${batch}: ${Math.round(spread(got).median)} keys/s, ${ratio.median.toFixed(2)}× pipelined GET`);
      rows.push({
        id: "P1",
        what: `GetMany hits, ${batch} key${batch === 1 ? "" : "s"}/message`,
        unit: "keys/s",
        value: spread(got),
        baseline: { what: "ioredis pipelined GET", value: spread(base) },
        ratio,
        target: batch === TARGET_BATCH ? { text: `ratio ≥ ${TARGET_RATIO}`, met: ratio.median >= TARGET_RATIO } : undefined,
        chart: true,
      });
      if (batch === TARGET_BATCH) rows.push(...cpuRows(cpu, cpuBase));
    }
  } finally {
    client.close();
  }
  return rows;
}

/**
 * Where the CPU goes at the target batch size, per key: the client (this
 * process), Redis and the server, against the baseline's process and Redis.
 * On two cores the three processes share the CPUs, so their sum bounds
 * throughput.
 */
function cpuRows(cpu: CpuSplit[], base: CpuSplit[]): Row[] {
  const row = (part: keyof CpuSplit, what: string, baseWhat?: string): Row => ({
    id: "P1",
    what: `CPU per key, batch ${TARGET_BATCH}: ${what}`,
    unit: "µs",
    value: spread(cpu.map((c) => c[part])),
    ...(baseWhat && {
      baseline: { what: baseWhat, value: spread(base.map((c) => c[part])) },
      ratio: spread(ratios(cpu.map((c) => c[part]), base.map((c) => c[part]))),
    }),
  });
  return [
    row("client", "client process", "ioredis process"),
    row("redis", "Redis", "Redis"),
    row("server", "server process"),
  ];
}
