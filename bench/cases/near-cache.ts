import { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { Child } from "../lib/child.js";
import type { BenchContext } from "../lib/context.js";
import { progress, type Row } from "../lib/result.js";
import { RUNS, size } from "../lib/scale.js";
import { startServerProcess } from "../lib/server-process.js";
import { percentile, ratios, spread } from "../lib/stats.js";

const NAMESPACE = "p5";
const KEYS = 1000;
const NEAR_READS = size(200_000, 20_000);
const REMOTE_READS = size(10_000, 1000);
const REMOTE_CONCURRENCY = 64;
const INVALIDATES = size(300, 40);
const SUBSCRIBERS = [0, 1, 10] as const;
const keys = Array.from({ length: KEYS }, (_, i) => `k${i}`);
const VALUE = new Uint8Array(100).fill(0x61);
// Untagged, so the Invalidates never make it miss: subscribers warm up on it.
const WARM_KEY = "warm";

/** Gets/s of `reads` reads of the keys in turn, `concurrency` at a time, and each read's µs. */
async function reads(c: TaggedCacheClient, n: number, concurrency: number): Promise<{ perS: number; us: number[] }> {
  const us: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const key = keys[next++ % KEYS]!;
      const t0 = process.hrtime.bigint();
      if ((await c.get(key)) === undefined) throw new Error(`P5: ${key} missed`);
      us.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perS: n / ((performance.now() - start) / 1000), us };
}

/** p50 and p99 (µs) of `n` Invalidates one after another. */
async function invalidates(c: TaggedCacheClient, n: number): Promise<{ p50: number; p99: number }> {
  const us: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await c.invalidate(`t${i % 10}`);
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return { p50: percentile(us, 50), p99: percentile(us, 99) };
}

/** Starts `n` subscriber processes, each holding a near-cache of the namespace. */
async function subscribers(address: string, n: number): Promise<Child[]> {
  const children = Array.from({ length: n }, () => Child.start("./near-child.ts"));
  await Promise.all(children.map(async (ch) => {
    await ch.call("open", { address, namespace: NAMESPACE, near: true });
    await ch.call("warm", WARM_KEY);
  }));
  return children;
}

/**
 * P5, the near-cache: near Get hits/s in one process against remote Gets of
 * the same keys, the p50 of a near hit, Invalidate latency with 0, 1 and 10
 * subscriber processes, and how long a frozen subscriber (SIGSTOP) holds an
 * Invalidate. Its own server process, with NEAR_CACHE=on (one replica).
 */
export async function nearCache(ctx: BenchContext): Promise<Row[]> {
  const server = await startServerProcess(ctx.redisUrl, [], { NEAR_CACHE: "on" });
  const near = new TaggedCacheClient(server.address, { namespace: NAMESPACE, nearCache: { maxBytes: 64 << 20 }, timeoutMs: 60_000 });
  const remote = new TaggedCacheClient(server.address, { namespace: NAMESPACE, timeoutMs: 60_000 });
  const rows: Row[] = [];
  try {
    await remote.setMany(keys.map((key, i) => ({ key, value: VALUE, tags: [`t${i % 10}`] })));
    await remote.set(WARM_KEY, VALUE);
    await near.get(keys[0]!);
    while (!(await near.getMany(keys), near.nearCacheStats!.hits >= KEYS)) await new Promise((r) => setTimeout(r, 10));
    const nearRate: number[] = [], remoteRate: number[] = [], p50: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const n = await reads(near, NEAR_READS, 1);
      nearRate.push(n.perS);
      p50.push(percentile(n.us, 50));
      remoteRate.push((await reads(remote, REMOTE_READS, REMOTE_CONCURRENCY)).perS);
    }
    const ratio = spread(ratios(nearRate, remoteRate));
    progress(`P5 near hits ${spread(nearRate).median.toFixed(0)}/s, ${ratio.median.toFixed(0)}× remote; near hit p50 ${spread(p50).median.toFixed(2)} µs`);
    rows.push(
      {
        id: "P5", what: "near-cache Get hits/s, one process", unit: "gets/s", value: spread(nearRate),
        baseline: { what: `remote Gets of the same keys, ${REMOTE_CONCURRENCY} in flight`, value: spread(remoteRate) },
        ratio, target: { text: "ratio ≥ 100", met: ratio.median >= 100 }, chart: true,
      },
      { id: "P5", what: "near hit p50", unit: "µs", value: spread(p50), target: { text: "≤ 5", met: spread(p50).median <= 5 } },
    );
    near.close();

    const byCount = new Map<number, { p50: number[]; p99: number[] }>();
    for (const n of SUBSCRIBERS) {
      const children = await subscribers(server.address, n);
      const m = { p50: [] as number[], p99: [] as number[] };
      try {
        await invalidates(remote, 5);
        for (let r = 0; r < RUNS; r++) {
          const x = await invalidates(remote, INVALIDATES);
          m.p50.push(x.p50);
          m.p99.push(x.p99);
        }
      } finally {
        await Promise.all(children.map((c) => c.call("close").catch(() => {})));
        await Promise.all(children.map((c) => c.stop()));
      }
      byCount.set(n, m);
      progress(`P5 Invalidate with ${n} subscribers: p50 ${spread(m.p50).median.toFixed(0)} µs, p99 ${spread(m.p99).median.toFixed(0)} µs`);
    }
    const none = byCount.get(0)!;
    for (const n of SUBSCRIBERS) {
      const m = byCount.get(n)!;
      const r = spread(ratios(m.p50, none.p50));
      rows.push({
        id: "P5", what: `Invalidate p50, ${n} subscriber processes`, unit: "µs", value: spread(m.p50),
        baseline: n === 0 ? undefined : { what: "no subscriber", value: spread(none.p50) },
        ratio: n === 0 ? undefined : r,
        target: n === 10 ? { text: "ratio ≤ 2", met: r.median <= 2 } : undefined,
      });
      rows.push({ id: "P5", what: `Invalidate p99, ${n} subscriber processes`, unit: "µs", value: spread(m.p99) });
    }

    // A frozen subscriber: the first Invalidate waits out its lease (NEAR_LEASE_MS, 2 s).
    const frozen: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const [child] = await subscribers(server.address, 1);
      const pid = await child!.call<number>("pid");
      process.kill(pid, "SIGSTOP");
      const t0 = performance.now();
      await remote.invalidate("t0");
      frozen.push(performance.now() - t0);
      process.kill(pid, "SIGCONT");
      await child!.stop();
    }
    progress(`P5 Invalidate with a frozen subscriber: ${spread(frozen).median.toFixed(0)} ms`);
    rows.push({ id: "P5", what: "Invalidate held by a frozen subscriber", unit: "ms", value: spread(frozen), target: { text: "≤ lease (2000)", met: spread(frozen).max <= 2100 } });
  } finally {
    near.close();
    remote.close();
    await server.stop();
  }
  return rows;
}
