import type { BenchContext } from "../lib/context.js";
import { keyOf, tagsOf } from "../lib/data.js";
import { fill } from "../lib/fill.js";
import { progress, type Row } from "../lib/result.js";
import { spread } from "../lib/stats.js";

/** Entries P4 stores; P1 and P2 then read them. */
export const ENTRIES = 100_000;
const TARGET_BYTES = 279;

async function usedMemory(ctx: BenchContext): Promise<number> {
  const info = await ctx.redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

/**
 * P4, Redis memory per entry: from an empty Redis, 100,000 entries of 100
 * bytes with 3 tags each (1,110 distinct tags), stored through set.lua; the
 * used_memory delta divided by the entry count, tag versions included. Run
 * first: the entries stay for the cases that read them.
 */
export async function memoryPerEntry(ctx: BenchContext): Promise<Row[]> {
  await ctx.redis.flushall();
  const before = await usedMemory(ctx);
  const t0 = performance.now();
  await fill(ctx.store, ENTRIES, keyOf, tagsOf);
  const after = await usedMemory(ctx);
  const perEntry = (after - before) / ENTRIES;
  progress(`P4 filled ${ENTRIES} entries in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${perEntry.toFixed(1)} bytes/entry`);
  return [
    {
      id: "P4",
      what: "Redis used_memory per entry (100 B value, 3 tags)",
      unit: "bytes",
      value: spread([perEntry]),
      target: { text: `≤ ${TARGET_BYTES} bytes`, met: perEntry <= TARGET_BYTES },
    },
  ];
}

const RSS_TARGET_MB = 120;

/** P4, the server's resident memory at the end of the run. */
export async function serverRss(ctx: BenchContext): Promise<Row[]> {
  const mb = (await ctx.server.rss()) / 1_048_576;
  const m = await ctx.server.memory();
  const f = (n: number) => `${(n / 1_048_576).toFixed(0)} MB`;
  const spaces = Object.entries(m.spaces)
    .filter(([, s]) => s.committed >= 1_048_576)
    .map(([name, s]) => `${name.replace(/_space$/, "")} ${f(s.used)}/${f(s.committed)}`)
    .join(", ");
  progress(
    `P4 server RSS ${mb.toFixed(0)} MB; V8 heap ${f(m.heapUsed)} used of ${f(m.heapTotal)} (${spaces}), ` +
      `external ${f(m.external)}, of which buffers ${f(m.arrayBuffers)}`,
  );
  return [
    {
      id: "P4",
      what: "server RSS at the end of the run",
      unit: "MB",
      value: spread([mb]),
      target: { text: `≤ ${RSS_TARGET_MB} MB`, met: mb <= RSS_TARGET_MB },
    },
  ];
}
