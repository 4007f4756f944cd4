import { mkdirSync, writeFileSync } from "node:fs";
import { Redis } from "ioredis";
import { RedisServer } from "../test/helpers/redis-server.js";
import { bulkGet } from "./cases/bulk-get.js";
import { invalidation } from "./cases/invalidate.js";
import { memoryPerEntry, serverRss } from "./cases/memory.js";
import { nearCache } from "./cases/near-cache.js";
import { peers } from "./cases/peers.js";
import { unaryCost } from "./cases/unary-cost.js";
import { throughputSvg } from "./lib/chart.js";
import type { BenchContext } from "./lib/context.js";
import { openStore } from "./lib/fill.js";
import { describeMachine } from "./lib/machine.js";
import { progress, type Row } from "./lib/result.js";
import { QUICK, RUNS } from "./lib/scale.js";
import { startServerProcess } from "./lib/server-process.js";
import { machineLine, markdownTable } from "./lib/table.js";

// `make bench`: starts a Redis and the server on free ports, runs each case,
// prints the table and writes bench/results/latest.{json,svg,md} (quick.* under
// BENCH_QUICK=1).
// BENCH_CASES=P1,P2 runs only those (P4's fill always runs: P1 and P2 read it).
const ONLY = process.env.BENCH_CASES?.split(",");
const ALL_CASES: [string, (ctx: BenchContext) => Promise<Row[]>][] = [
  ["P4 memory per entry (fills the entries P1 and P2 read)", memoryPerEntry],
  ["P1 bulk Get", bulkGet],
  ["P2 unary cost", unaryCost],
  ["P3 invalidation", invalidation],
  ["PEER bentocache, same Redis", peers],
  ["P4 server RSS", serverRss],
  ["P5 near-cache", nearCache],
];
const CASES = ALL_CASES.filter(([name], i) => i === 0 || ONLY === undefined || ONLY.some((id) => name.startsWith(id)));

async function main(): Promise<void> {
  const started = performance.now();
  progress(`starting Redis and the server${QUICK ? " (BENCH_QUICK: short runs)" : ""}; ${RUNS} runs per case`);
  const redisServer = await RedisServer.start(["--maxmemory", "0"]);
  const redis = new Redis(redisServer.port, "127.0.0.1");
  const store = await openStore(redisServer.url);
  const server = await startServerProcess(redisServer.url);
  const rows: Row[] = [];
  const ctx: BenchContext = { redisUrl: redisServer.url, redis, store, server, rows };
  try {
    for (const [name, run] of CASES) {
      progress(`${name}…`);
      rows.push(...(await run(ctx)));
    }
    const machine = await describeMachine(redis);
    const durationS = Math.round((performance.now() - started) / 1000);
    const table = markdownTable(rows);
    const about = machineLine(machine, QUICK);
    console.log(`\n${table}\n\n${about}; ${RUNS} runs per figure; ${durationS} s in all\n`);

    // A quick run never replaces the results of a full one.
    const name = QUICK ? "quick" : "latest";
    const dir = new URL("./results/", import.meta.url);
    mkdirSync(dir, { recursive: true });
    const json = { date: new Date().toISOString(), quick: QUICK, runs: RUNS, durationS, machine, rows };
    writeFileSync(new URL(`${name}.json`, dir), JSON.stringify(json, null, 2) + "\n");
    writeFileSync(new URL(`${name}.md`, dir), `${table}\n\n${about}; ${RUNS} runs per figure.\n`);
    writeFileSync(new URL(`${name}.svg`, dir), throughputSvg(rows, "TaggedCache throughput vs same-run baselines", about));
    progress(`wrote bench/results/${name}.json, ${name}.md and ${name}.svg`);
  } finally {
    await server.stop();
    await store.close();
    redis.disconnect();
    await redisServer.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
