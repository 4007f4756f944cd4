import { expect } from "chai";
import type { Redis } from "ioredis";
import { isHit } from "../../server/src/core/lookup.js";
import { RedisStore } from "../../server/src/store/redis-standalone/redis-store.js";
import { sharedRedis, waitFor } from "../helpers/redis-server.js";

describe("a Redis connection that ioredis gives up on", () => {
  it("is reopened by the store, which serves again", async () => {
    const store = new RedisStore({
      url: (await sharedRedis()).url,
      keyPrefix: "tc",
      tagLifetimeMs: 60_000,
      commandTimeoutMs: 1000,
      connectTimeoutMs: 1000,
    });
    try {
      expect(await store.waitUntilReady(2000)).to.equal(true);
      // What a reconnection cut short by a Sentinel failover notice leaves.
      const redis = (store as unknown as { redis: Redis }).redis;
      redis.disconnect();
      await waitFor(async () => redis.status === "end", 2000, "the connection to end");
      expect(await store.waitUntilReady(3000)).to.equal(true);
      await store.set("ns", "k", new Uint8Array([1]), ["t"], 1000);
      const found = await store.get("ns", "k", []);
      expect(isHit(found) && Array.from(found.value)).to.deep.equal([1]);
    } finally {
      await store.close();
    }
  });
});
