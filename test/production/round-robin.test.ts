import { expect } from "chai";
import { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import type { Store } from "../../server/src/core/store.js";
import { bytes, sleep, startTestServer, text, type TestServer } from "../helpers/app.js";
import { sharedRedis } from "../helpers/redis-server.js";

/**
 * Counts the reads (plain or leased) a server's store serves, to see the
 * balancer spread them.
 */
function countReads(store: Store): { n: number } {
  const counter = { n: 0 };
  const get = store.get.bind(store);
  const getMany = store.getMany.bind(store);
  store.get = (...args) => (counter.n++, get(...args));
  store.getMany = (...args) => (counter.n++, getMany(...args));
  const leases = store.leases;
  const acquire = leases.acquire.bind(leases);
  leases.acquire = (...args) => (counter.n++, acquire(...args));
  return counter;
}

describe("stateless replicas: three servers behind round_robin", () => {
  let servers: TestServer[];
  let reads: { n: number }[];
  let client: TaggedCacheClient;

  before(async () => {
    const url = (await sharedRedis()).url;
    // Each server has its own store connection, as separate processes would.
    servers = await Promise.all([0, 1, 2].map(() => startTestServer({ REDIS_URL: url })));
    reads = servers.map((s) => countReads(s.app.store));
    const target = `ipv4:${servers.map((s) => s.address).join(",")}`;
    client = new TaggedCacheClient(target, {
      namespace: "replicas",
      logger: null,
      channelOptions: {
        "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
      },
    });
  });
  after(async () => {
    client?.close();
    for (const s of servers ?? []) await s.stop();
  });

  async function readAll(times: number, key: string): Promise<(string | undefined)[]> {
    const out: (string | undefined)[] = [];
    for (let i = 0; i < times; i++) out.push(text(await client.get(key)));
    return out;
  }

  it("spreads calls over every replica, and an invalidation through one holds on all", async () => {
    await client.set("k", bytes("v1"), { tags: ["t"] });
    expect(await readAll(12, "k")).to.deep.equal(Array(12).fill("v1"));
    expect(reads.map((r) => r.n > 0)).to.deep.equal([true, true, true]);

    for (const r of reads) r.n = 0;
    await client.invalidate("t");
    expect(await readAll(12, "k")).to.deep.equal(Array(12).fill(undefined));
    expect(reads.map((r) => r.n > 0)).to.deep.equal([true, true, true]);

    await client.set("k", bytes("v2"), { tags: ["t"] });
    expect(await readAll(6, "k")).to.deep.equal(Array(6).fill("v2"));
    await client.invalidateAll();
    expect(await readAll(6, "k")).to.deep.equal(Array(6).fill(undefined));
  });

  it("answers GetMany streams through any replica", async () => {
    await client.set("a", bytes("A"), { tags: ["x"] });
    await client.set("b", bytes("B"), { tags: ["y"] });
    await client.invalidate("y");
    for (let i = 0; i < 6; i++) {
      const hits = await client.getMany(["a", "b"]);
      expect([...hits.keys()]).to.deep.equal(["a"]);
    }
  });

  it("holds a lease across replicas: 30 concurrent cold calls run the function once", async () => {
    for (const r of reads) r.n = 0;
    let runs = 0;
    const load = client.cached(
      async function loadItem(id: number) {
        runs++;
        await sleep(150);
        return { id };
      },
      { tags: ["leased"], lease: true },
    );
    const results = await Promise.all(Array.from({ length: 30 }, () => load(1)));
    expect(runs).to.equal(1);
    expect(results.every((r) => r.id === 1)).to.equal(true);
    expect(reads.map((r) => r.n > 0)).to.deep.equal([true, true, true]);
  });
});
