import { BentoCache, bentostore } from "bentocache";
import { redisDriver } from "bentocache/drivers/redis";
import { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import type { BenchContext } from "../lib/context.js";
import { keyOf, NAMESPACE, tagsOf, VALUE, VALUE_BYTES } from "../lib/data.js";
import { ENTRIES } from "./memory.js";
import { progress, type Row } from "../lib/result.js";
import { RUNS, size } from "../lib/scale.js";
import { percentile, ratios, spread } from "../lib/stats.js";

const CONCURRENCY = 64;
const CALLS = size(10_000, 1_000);
const LATENCY_CALLS = size(2_000, 200);
const READ_KEYS = 1_000;
const FILL_IN_FLIGHT = 256;
// (our own 1k/1M Invalidate figures are P3's)
const INVALIDATE_SMALL = 1_000;
const INVALIDATE_BIG = size(1_000_000, 20_000);
const INVALIDATE_SAMPLES = size(200, 20);
// The same string value as our entries hold (bentocache serializes values as JSON).
const PEER_VALUE = VALUE.toString("latin1");

/** The peer a Node user would pick instead: bentocache, Redis only (no in-process tier), with tags. */
interface Peer {
  get(key: string): Promise<unknown>;
  set(key: string, tags: string[]): Promise<unknown>;
  invalidate(tag: string): Promise<unknown>;
}

function openBento(redisUrl: string): { peer: Peer; close: () => Promise<void> } {
  const url = new URL(redisUrl);
  const bento = new BentoCache({
    default: "redis",
    stores: { redis: bentostore().useL2Layer(redisDriver({ connection: { host: url.hostname, port: Number(url.port) } })) },
  });
  return {
    peer: {
      get: (key) => bento.get({ key }),
      set: (key, tags) => bento.set({ key, value: PEER_VALUE, tags, ttl: "1h" }),
      invalidate: (tag) => bento.deleteByTag({ tags: [tag] }),
    },
    close: () => bento.disconnectAll(),
  };
}

/** Calls/s of `call(i)` for i in 0..count-1, `concurrency` at once. */
async function rate(count: number, concurrency: number, call: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return (count / (performance.now() - t0)) * 1000;
}

/** p50 latency (µs) of `call(i)`, one at a time. */
async function p50(count: number, call: (i: number) => Promise<unknown>): Promise<number> {
  const us: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await call(i);
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return percentile(us, 50);
}

async function usedMemory(ctx: BenchContext): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await ctx.redis.info("memory"))![1]);
}

/** Runs ours and the peer's measure in alternation, RUNS times after one warm-up each. */
async function paired(ours: () => Promise<number>, peer: () => Promise<number>) {
  await ours();
  await peer();
  const a: number[] = [], b: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    a.push(await ours());
    b.push(await peer());
  }
  return { value: spread(a), baseline: spread(b), ratio: spread(ratios(a, b)) };
}

const peerKey = (i: number) => `peer:${keyOf(i)}`;

/**
 * The peer in the same run, against the same Redis: bentocache (its Redis
 * driver and tags). Get hit and Set through our client and server against
 * bentocache's own calls from this process, Redis memory per entry for the
 * same 100-byte, 3-tag entries, and invalidate-by-tag latency on a tag carried
 * by 1,000 and by 1,000,000 entries. Sampled reads must all miss afterwards,
 * for both, or the run fails.
 */
export async function peers(ctx: BenchContext): Promise<Row[]> {
  const { peer, close } = openBento(ctx.redisUrl);
  const client = new TaggedCacheClient(ctx.server.address, { namespace: NAMESPACE });
  const rows: Row[] = [];
  try {
    const before = await usedMemory(ctx);
    await rate(ENTRIES, FILL_IN_FLIGHT, (i) => peer.set(peerKey(i), tagsOf(i)));
    const theirs = ((await usedMemory(ctx)) - before) / ENTRIES;
    const ours = ctx.rows.find((r) => r.id === "P4" && r.unit === "bytes")!.value.median;
    progress(`PEER bentocache: ${theirs.toFixed(1)} bytes/entry, ours ${ours.toFixed(1)}`);
    rows.push({
      id: "PEER",
      what: `Redis bytes per entry (${VALUE_BYTES} B value, 3 tags)`,
      unit: "bytes",
      value: spread([ours]),
      baseline: { what: "bentocache, same entries", value: spread([theirs]) },
      ratio: spread([ours / theirs]),
    });

    const oursGet = (i: number) => client.get(keyOf(i % READ_KEYS));
    const peerGet = (i: number) => peer.get(peerKey(i % READ_KEYS));
    const oursSet = (i: number) => client.set(keyOf(i % READ_KEYS), VALUE, { tags: tagsOf(i % READ_KEYS) });
    const peerSet = (i: number) => peer.set(peerKey(i % READ_KEYS), tagsOf(i % READ_KEYS));
    const cases = [
      ["Get hit calls/s, 64 in flight, one process", "calls/s", () => rate(CALLS, CONCURRENCY, oursGet), () => rate(CALLS, CONCURRENCY, peerGet)],
      ["Get hit p50 latency, concurrency 1", "µs", () => p50(LATENCY_CALLS, oursGet), () => p50(LATENCY_CALLS, peerGet)],
      ["Set calls/s, 64 in flight, one process", "calls/s", () => rate(CALLS, CONCURRENCY, oursSet), () => rate(CALLS, CONCURRENCY, peerSet)],
    ] as const;
    for (const [what, unit, ours, theirs] of cases) {
      const m = await paired(ours, theirs);
      progress(`PEER ${what}: ours ${m.value.median.toFixed(0)}, bentocache ${m.baseline.median.toFixed(0)} ${unit}`);
      rows.push({ id: "PEER", what, unit, value: m.value, baseline: { what: "bentocache, same Redis", value: m.baseline }, ratio: m.ratio });
    }
    rows.push(...(await invalidation(peer, client)));
  } finally {
    client.close();
    await close();
  }
  return rows;
}

/**
 * bentocache's invalidate-by-tag latency on 1k against 1M entries, the misses
 * it must cause, and our Invalidate through gRPC against it.
 */
async function invalidation(peer: Peer, client: TaggedCacheClient): Promise<Row[]> {
  const small = (i: number) => `peer-small:${i}`;
  const big = (i: number) => `peer-big:${i}`;
  await rate(INVALIDATE_SMALL, FILL_IN_FLIGHT, (i) => peer.set(small(i), ["peer-small"]));
  await rate(INVALIDATE_BIG, FILL_IN_FLIGHT, (i) => peer.set(big(i), ["peer-big"]));
  const one = async (tag: string): Promise<number> => {
    const t0 = process.hrtime.bigint();
    await peer.invalidate(tag);
    return Number(process.hrtime.bigint() - t0) / 1000;
  };
  const m = await paired(
    () => p50(INVALIDATE_SAMPLES, () => one("peer-big")),
    () => p50(INVALIDATE_SAMPLES, () => one("peer-small")),
  );
  for (let i = 0; i < 100; i++) {
    const hit = (await peer.get(small(i))) ?? (await peer.get(big(Math.floor((i * INVALIDATE_BIG) / 100))));
    if (hit !== undefined && hit !== null) throw new Error("PEER: bentocache served an entry after deleteByTag");
  }
  progress(`PEER bentocache deleteByTag p50: ${m.value.median.toFixed(0)} µs on 1M entries, ${m.baseline.median.toFixed(0)} µs on 1k`);
  const vs = await paired(
    () => p50(INVALIDATE_SAMPLES, () => client.invalidate("peer-big")),
    () => p50(INVALIDATE_SAMPLES, () => peer.invalidate("peer-big")),
  );
  return [
    {
      id: "PEER",
      what: "Invalidate p50 through gRPC",
      unit: "µs",
      value: vs.value,
      baseline: { what: "bentocache deleteByTag, same Redis", value: vs.baseline },
      ratio: vs.ratio,
    },
    {
      id: "PEER",
      what: `bentocache deleteByTag p50, tag on ${INVALIDATE_BIG.toLocaleString("en")} entries`,
      unit: "µs",
      value: m.value,
      baseline: { what: `tag on ${INVALIDATE_SMALL.toLocaleString("en")} entries`, value: m.baseline },
      ratio: m.ratio,
    },
  ];
}
