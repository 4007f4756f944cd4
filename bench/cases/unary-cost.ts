import { Child } from "../lib/child.js";
import type { UnaryResult, UnaryRun } from "../lib/client-child.js";
import type { BenchContext } from "../lib/context.js";
import { progress, type Row } from "../lib/result.js";
import { RUNS, size } from "../lib/scale.js";
import { startServerProcess, type ServerProcess } from "../lib/server-process.js";
import { percentile, ratios, spread } from "../lib/stats.js";

const CLIENT_PROCESSES = 2;
const PER_CLIENT_CONCURRENCY = 32;
const CALLS = size(10_000, 2_000);
const LATENCY_CALLS = size(2_000, 300);
const KEYS = 1_000;
const TARGETS = { get: 1.15, set: 1.25 } as const;

type Method = "get" | "set";

/** Server CPU (µs) per call and calls/s for `calls` calls spread over the client processes. */
async function load(server: ServerProcess, clients: Child[], method: Method, calls: number) {
  const run = (c: Child) =>
    c.call<UnaryResult>("run", {
      address: server.address,
      method,
      calls: Math.ceil(calls / clients.length),
      concurrency: PER_CLIENT_CONCURRENCY,
      keys: KEYS,
      latencies: false,
    } satisfies UnaryRun);
  const cpu0 = await server.cpuUs();
  const t0 = performance.now();
  const results = await Promise.all(clients.map(run));
  const ms = performance.now() - t0;
  const cpu1 = await server.cpuUs();
  const done = results.length * Math.ceil(calls / clients.length);
  return { cpuPerCall: (cpu1 - cpu0) / done, perSecond: (done / ms) * 1000 };
}

async function latencies(server: ServerProcess, client: Child): Promise<number[]> {
  const r = await client.call<UnaryResult>("run", {
    address: server.address, method: "get", calls: LATENCY_CALLS, concurrency: 1, keys: KEYS, latencies: true,
  } satisfies UnaryRun);
  return r.latenciesUs;
}

/**
 * P2, unary cost: the real server's CPU time per Get hit and per Set,
 * measured in its own process, against a no-op server with the same grpc-js
 * setup answering the same message sizes. Load comes from two client
 * processes with 32 calls in flight each (64 in all); runs alternate between
 * the servers. Also: Get latency at concurrency 1, and calls/s at 64.
 */
export async function unaryCost(ctx: BenchContext): Promise<Row[]> {
  const noop = await startServerProcess("noop");
  const clients = Array.from({ length: CLIENT_PROCESSES }, () => Child.start("./client-child.ts"));
  const rows: Row[] = [];
  try {
    for (const method of ["get", "set"] as const) {
      await load(ctx.server, clients, method, CALLS / 4);
      await load(noop, clients, method, CALLS / 4);
      const cpu: number[] = [], cpuBase: number[] = [], rate: number[] = [], rateBase: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const ours = await load(ctx.server, clients, method, CALLS);
        const base = await load(noop, clients, method, CALLS);
        cpu.push(ours.cpuPerCall);
        cpuBase.push(base.cpuPerCall);
        rate.push(ours.perSecond);
        rateBase.push(base.perSecond);
      }
      const name = method === "get" ? "Get hit" : "Set";
      const ratio = spread(ratios(cpu, cpuBase));
      const target = TARGETS[method];
      progress(`P2 ${name}: ${spread(cpu).median.toFixed(1)} µs server CPU per call, ${ratio.median.toFixed(2)}× no-op`);
      rows.push({
        id: "P2",
        what: `server CPU per ${name}`,
        unit: "µs",
        value: spread(cpu),
        baseline: { what: `no-op ${method === "get" ? "Get" : "Set"} handler`, value: spread(cpuBase) },
        ratio,
        target: { text: `ratio ≤ ${target}`, met: ratio.median <= target },
      });
      rows.push({
        id: "P2",
        what: `${name} calls/s, 64 in flight (${CLIENT_PROCESSES} client processes)`,
        unit: "calls/s",
        value: spread(rate),
        baseline: { what: "no-op handler", value: spread(rateBase) },
        ratio: spread(ratios(rate, rateBase)),
        chart: true,
      });
    }
    const p50: number[] = [], p99: number[] = [], p50Base: number[] = [], p99Base: number[] = [];
    await latencies(ctx.server, clients[0]!);
    await latencies(noop, clients[0]!);
    for (let r = 0; r < RUNS; r++) {
      const ours = await latencies(ctx.server, clients[0]!);
      const base = await latencies(noop, clients[0]!);
      p50.push(percentile(ours, 50));
      p99.push(percentile(ours, 99));
      p50Base.push(percentile(base, 50));
      p99Base.push(percentile(base, 99));
    }
    progress(`P2 Get latency at concurrency 1: p50 ${spread(p50).median.toFixed(0)} µs, p99 ${spread(p99).median.toFixed(0)} µs`);
    for (const [q, v, b] of [["p50", p50, p50Base], ["p99", p99, p99Base]] as const) {
      rows.push({
        id: "P2",
        what: `Get hit latency ${q}, concurrency 1`,
        unit: "µs",
        value: spread(v),
        baseline: { what: "no-op handler", value: spread(b) },
        ratio: spread(ratios(v, b)),
      });
    }
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    await noop.stop();
  }
  return rows;
}
