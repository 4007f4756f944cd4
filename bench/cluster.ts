/**
 * The Redis Cluster case: GetMany keys/s through the gRPC stream on a
 * 3-master cluster (with 3 replicas) against one standalone Redis in the same
 * run, and how 100,000 entries of one namespace spread over the shards.
 * Runs on its own: `node --import tsx bench/cluster.ts` (about a minute).
 */
import { performance } from "node:perf_hooks";
import type { Store } from "../server/src/core/store.js";
import { startTestServer, type TestServer } from "../test/helpers/app.js";
import { RedisCluster } from "../test/helpers/redis-cluster.js";
import { ask, RedisServer } from "../test/helpers/redis-server.js";

const KEYS = 10_000;
const BATCH = 100;
const BATCHES = 3_000;
const SPREAD_ENTRIES = 100_000;
const VALUE = new Uint8Array(100).fill(120);
const tagsOf = (i: number) => [`a${i % 100}`, `b${i % 37}`, `c${i % 11}`].sort();

/** Stores `n` entries through the store itself, `concurrency` at a time. */
async function fill(store: Store, n: number, concurrency = 256): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await store.set("bench", `item:${i}`, VALUE, tagsOf(i), 600_000);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** GetMany keys/s over one stream of random 100-key batches, all hits. */
async function getManyRate(server: TestServer): Promise<number> {
  await fill(server.app.store, KEYS);
  const client = server.client("bench");
  const batches = Array.from({ length: BATCHES }, () =>
    Array.from({ length: BATCH }, () => `item:${Math.floor(Math.random() * KEYS)}`),
  );
  let warm = 0;
  for await (const r of client.getManyStream(batches.slice(0, 200))) warm += r.length;
  const start = performance.now();
  let hits = 0;
  for await (const results of client.getManyStream(batches, { timeoutMs: 0 })) for (const e of results) if (e) hits++;
  const seconds = (performance.now() - start) / 1000;
  if (hits !== BATCH * BATCHES || warm === 0) throw new Error(`expected every lookup to hit, got ${hits}`);
  return (BATCH * BATCHES) / seconds;
}

async function main(): Promise<void> {
  const standalone = await RedisServer.start();
  const cluster = await RedisCluster.start();
  const single = await startTestServer({ REDIS_URL: standalone.url });
  const clustered = await startTestServer({ REDIS_CLUSTER_NODES: cluster.nodesVariable });
  try {
    const singleRate = await getManyRate(single);
    const clusterRate = await getManyRate(clustered);
    console.log(`GetMany, ${BATCH}-key batches, one stream, 100-byte values, 3 tags, one run`);
    console.log(`  standalone Redis        ${Math.round(singleRate).toLocaleString("en")} keys/s`);
    console.log(`  cluster, 3 masters      ${Math.round(clusterRate).toLocaleString("en")} keys/s  (${(clusterRate / singleRate).toFixed(2)}x)`);

    await cluster.flush();
    await fill(clustered.app.store, SPREAD_ENTRIES);
    const masters = (await cluster.nodes()).filter((n) => n.role === "master");
    const sizes = await Promise.all(masters.map((m) => ask(m.server, (r) => r.dbsize())));
    const total = sizes.reduce<number>((a, b) => a + (b ?? 0), 0);
    console.log(`Spread of ${SPREAD_ENTRIES.toLocaleString("en")} entries of one namespace (keys per master, versions included)`);
    masters.forEach((m, i) => {
      const share = ((sizes[i] ?? 0) / total) * 100;
      console.log(`  master :${m.server.port}  ${sizes[i]} keys  ${share.toFixed(1)}%${share > 40 ? "  ABOVE 40%" : ""}`);
    });
  } finally {
    await clustered.stop();
    await single.stop();
    await cluster.stop();
    await standalone.stop();
  }
}

await main();
