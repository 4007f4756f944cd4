import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import type { Redis } from "ioredis";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, sleep, startTestServer, text, type TestServer } from "../helpers/app.js";
import { RedisServer, sharedRedis } from "../helpers/redis-server.js";
import { checkHistory, describeViolations } from "../model/checker.js";
import { modelLoad } from "../model/load.js";

// A lost tag or namespace version may only make entries miss, never hit,
// even once a later Set has created a new version under the same key.
function checkAll(recorded: ReturnType<typeof modelLoad>["recorded"]): void {
  for (const h of recorded) {
    const violations = checkHistory(h, { strictMisses: false });
    expect(violations, describeViolations(violations)).to.deep.equal([]);
  }
}

async function versionKeys(redis: Redis, prefix: string): Promise<string[]> {
  return [...(await redis.keys(`${prefix}:t:*`)), ...(await redis.keys(`${prefix}:a:*`))];
}

describe("tag versions lost", function () {
  this.timeout(30_000);

  describe("deleted", () => {
    let server: TestServer;
    let c: TaggedCacheClient;
    let redis: Redis;
    before(async () => {
      const shared = await sharedRedis();
      server = await startTestServer({ REDIS_URL: shared.url, KEY_PREFIX: "ev" });
      c = server.client("evict");
      redis = shared.connect();
    });
    after(async () => {
      await redis?.quit();
      await server?.stop();
    });

    it("makes entries miss, and a version created again does not revive them", async () => {
      await c.set("a", bytes("1"), { tags: ["t"] });
      await c.set("b", bytes("2"), { tags: ["t", "u"] });
      await c.set("plain", bytes("3"));
      await redis.del("ev:t:{5:evict}:t");
      expect(await c.get("a")).to.equal(undefined);
      await c.set("c", bytes("4"), { tags: ["t"] }); // creates a new version of t
      expect(await c.get("b")).to.equal(undefined);
      expect(text(await c.get("c"))).to.equal("4");
      expect(text(await c.get("plain"))).to.equal("3");
      await redis.del("ev:a:{5:evict}");
      expect(await c.getMany(["plain", "c"])).to.have.property("size", 0);
    });

    it("serves no stale value while versions vanish under load", async () => {
      const load = modelLoad(server.address);
      let deleted = 0;
      const until = Date.now() + 1500;
      while (Date.now() < until) {
        const keys = await versionKeys(redis, "ev");
        const victims = keys.filter(() => Math.random() < 0.3);
        if (victims.length > 0) deleted += await redis.del(...victims);
        await sleep(5);
      }
      await load.stop();
      expect(deleted).to.be.greaterThan(0);
      expect(load.recorded.flat().filter((r) => !r.ok)).to.deep.equal([]);
      checkAll(load.recorded);
    });
  });

  describe("evicted by a small maxmemory with allkeys-lru", () => {
    let redis: RedisServer;
    let server: TestServer;
    before(async () => {
      redis = await RedisServer.start(["--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru", "--maxmemory-samples", "3"]);
      server = await startTestServer({ REDIS_URL: redis.url });
    });
    after(async () => {
      await server?.stop();
      await redis?.stop();
    });

    it("only misses, never serves a stale hit", async () => {
      const load = modelLoad(server.address);
      const filler = server.client("filler");
      const big = new Uint8Array(40_000);
      await Promise.all(Array.from({ length: 8 }, async (_, lane) => {
        for (let i = lane; i < 200; i += 8) await filler.set(`f${i}`, big, { tags: [`ft${i % 50}`] }).catch(() => undefined);
      }));
      await load.stop();
      const conn = redis.connect();
      const stats = await conn.info("stats");
      await conn.quit();
      const evicted = Number(/evicted_keys:(\d+)/.exec(stats)![1]);
      expect(evicted).to.be.greaterThan(0);
      const codes = new Set(load.recorded.flat().filter((r) => !r.ok).map((r) => r.code));
      expect([...codes].every((code) => code === status.RESOURCE_EXHAUSTED), `codes ${[...codes]}`).to.equal(true);
      checkAll(load.recorded);
      console.log(`      figures: ${evicted} keys evicted under ${load.recorded.flat().length} model-checked operations; no stale hit`);
    });
  });
});
