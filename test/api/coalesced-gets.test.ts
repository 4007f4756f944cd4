import { expect } from "chai";
import type { Redis } from "ioredis";
import { isHit } from "../../server/src/core/lookup.js";
import { StoreUnavailableError } from "../../server/src/core/errors.js";
import { RedisStore } from "../../server/src/store/redis-standalone/redis-store.js";
import { RedisServer, sharedRedis } from "../helpers/redis-server.js";

// The unary Gets of one namespace made in one event-loop turn share one
// get.lua call; each answers as a lone Get would, and fails as one would.
describe("Redis store: the Gets of one turn", () => {
  const options = { keyPrefix: "turn", tagLifetimeMs: 60_000, commandTimeoutMs: 5000, connectTimeoutMs: 5000 };

  it("share one Redis command per namespace, each answered as a lone Get", async () => {
    const r = await sharedRedis();
    const store = new RedisStore({ ...options, url: r.url });
    const redis: Redis = r.connect();
    try {
      expect(await store.waitUntilReady(10_000)).to.equal(true);
      await store.set("n", "k", Buffer.from("v"), ["a"], 60_000);
      await store.set("m", "k", Buffer.from("w"), [], 60_000);
      await store.get("n", "k", []); // loads the script, so NOSCRIPT retries are not counted
      const monitor = await redis.monitor();
      const seen: string[][] = [];
      // Redis reports commands in order: once the marker shows, all before it have.
      const marked = new Promise<void>((resolve) => {
        monitor.on("monitor", (_time: string, args: string[], source: string) => {
          if (args[0]?.toLowerCase() === "echo") resolve();
          else if (source !== "lua") seen.push(args);
        });
      });
      const results = await Promise.all([
        store.get("n", "k", []),
        store.get("n", "k", ["a"]),
        store.get("n", "missing", []),
        store.get("n", "k", ["b"]),
        store.get("m", "k", []),
      ]);
      await redis.echo("marker");
      await marked;
      monitor.disconnect();
      expect(results.map((x) => (isHit(x) ? Buffer.from(x.value).toString() : "miss"))).to.deep.equal(["v", "v", "miss", "miss", "w"]);
      // One call for namespace n (its version key and 4 entry keys), one for m.
      expect(seen.map((args) => [args[0]!.toLowerCase(), args[2]])).to.deep.equal([["evalsha", "5"], ["evalsha", "2"]]);
    } finally {
      await redis.quit();
      await store.close();
    }
  });

  it("fail together as unavailable when Redis is gone", async () => {
    const own = await RedisServer.start();
    const store = new RedisStore({ ...options, url: own.url });
    try {
      expect(await store.waitUntilReady(10_000)).to.equal(true);
      await own.stop();
      const results = await Promise.allSettled([store.get("n", "a", []), store.get("n", "b", ["t"])]);
      for (const r of results) {
        expect(r.status).to.equal("rejected");
        expect((r as PromiseRejectedResult).reason).to.be.instanceOf(StoreUnavailableError);
      }
    } finally {
      await store.close();
      await own.stop();
    }
  });
});
