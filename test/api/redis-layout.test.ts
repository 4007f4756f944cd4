import { expect } from "chai";
import type { Redis } from "ioredis";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, startTestServer, text, type TestServer } from "../helpers/app.js";
import { sharedRedis } from "../helpers/redis-server.js";

// What the Redis store writes, and why it cannot serve a stale value when
// versions vanish or race.
describe("Redis store: layout and versions", () => {
  let server: TestServer;
  let c: TaggedCacheClient;
  let redis: Redis;

  before(async () => {
    const r = await sharedRedis();
    server = await startTestServer({ REDIS_URL: r.url, TAG_LIFETIME_MS: "100000" });
    c = server.client("ns");
    redis = r.connect();
  });
  after(async () => {
    await redis?.quit();
    await server?.stop();
  });
  beforeEach(async () => redis.flushall());

  it("writes length-prefixed keys that keep look-alike namespaces apart", async () => {
    await server.client("x").set("a:b", bytes("1"), { tags: ["t"] });
    await server.client("x:a").set("b", bytes("2"));
    expect((await redis.keys("*")).sort()).to.deep.equal([
      "tc:a:{1:x}",
      "tc:a:{3:x:a}",
      "tc:e:1:x:a:b",
      "tc:e:3:x:a:b",
      "tc:t:{1:x}:t",
    ]);
  });

  it("makes entries miss when a tag version is evicted, and hit again after a new set", async () => {
    await c.set("k", bytes("v"), { tags: ["a", "b"] });
    await redis.del("tc:t:{2:ns}:b");
    expect(await c.get("k")).to.equal(undefined);
    expect(await redis.exists("tc:e:2:ns:k")).to.equal(0, "the stale entry is deleted by the read");
    await c.set("k", bytes("w"), { tags: ["a", "b"] });
    expect(text(await c.get("k"))).to.equal("w");
  });

  it("makes entries miss when the namespace version is evicted", async () => {
    await c.set("k", bytes("v"));
    await redis.del("tc:a:{2:ns}");
    expect(await c.get("k")).to.equal(undefined);
    expect((await c.getMany(["k"])).size).to.equal(0);
  });

  it("never brings back an entry when an evicted version is recreated", async () => {
    await c.set("old", bytes("v"), { tags: ["a"] });
    await redis.del("tc:t:{2:ns}:a");
    await c.set("new", bytes("w"), { tags: ["a"] });
    expect(await c.get("old")).to.equal(undefined);
    expect(text(await c.get("new"))).to.equal("w");
  });

  it("keeps all of 16 concurrent first sets on a new tag readable", async () => {
    const keys = Array.from({ length: 16 }, (_, i) => `k${i}`);
    await Promise.all(keys.map((k) => c.set(k, bytes(k), { tags: ["fresh"] })));
    const hits = await c.getMany(keys);
    expect(hits.size).to.equal(16);
  });

  it("keeps a version alive at least as long as the entries that depend on it", async () => {
    await c.set("short", bytes("v"), { tags: ["a"], lifetimeMs: 1000 });
    const base = await redis.pttl("tc:t:{2:ns}:a");
    expect(base).to.be.within(90_000, 100_000);
    await c.set("long", bytes("v"), { tags: ["a"], lifetimeMs: 500_000 });
    expect(await redis.pttl("tc:t:{2:ns}:a")).to.be.within(490_000, 500_000);
    expect(await redis.pttl("tc:a:{2:ns}")).to.be.within(490_000, 500_000);
    await c.set("forever", bytes("v"), { tags: ["a"], lifetimeMs: 0 });
    expect(await redis.pttl("tc:t:{2:ns}:a")).to.equal(-1);
    expect(await redis.pttl("tc:e:2:ns:forever")).to.equal(-1);
  });

  it("gives an invalidated version a lifetime", async () => {
    await c.set("forever", bytes("v"), { tags: ["a"], lifetimeMs: 0 });
    await c.invalidate("a", "never-used");
    expect(await redis.pttl("tc:t:{2:ns}:a")).to.be.within(90_000, 100_000);
    expect(await redis.pttl("tc:t:{2:ns}:never-used")).to.be.within(90_000, 100_000);
    await c.invalidateAll();
    expect(await redis.pttl("tc:a:{2:ns}")).to.be.within(90_000, 100_000);
  });

  it("leaves an entry read with other tags in place", async () => {
    await c.set("k", bytes("v"), { tags: ["a"] });
    expect(await c.get("k", { tags: ["b"] })).to.equal(undefined);
    expect(await redis.exists("tc:e:2:ns:k")).to.equal(1);
  });

  it("reads data it did not write as a miss", async () => {
    await c.set("valid", bytes("v"), { tags: ["a"] });
    await redis.set("tc:e:2:ns:foreign", "plain text");
    await redis.set("tc:e:2:ns:short", Buffer.from([1, 5]));
    expect(await c.get("foreign")).to.equal(undefined);
    expect(await c.get("short")).to.equal(undefined);
    const hits = await c.getMany(["foreign", "valid", "short"]);
    expect([...hits.keys()]).to.deep.equal(["valid"]);
    expect(await redis.get("tc:e:2:ns:foreign")).to.equal("plain text");
  });

  it("uses one Redis command per Get, two per GetMany batch (entries, then their versions)", async () => {
    await c.set("k", bytes("v"), { tags: ["a", "b", "c"] });
    // Loads the scripts, so NOSCRIPT retries are not counted.
    await c.get("k");
    await c.getMany(["k", "x"]);
    const monitor = await redis.monitor();
    const seen: string[] = [];
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (source !== "lua") seen.push(args[0]!.toLowerCase());
    });
    await c.get("k");
    await c.get("k", { tags: ["c", "b", "a"] });
    await c.getMany(["k", "x", "y", "z"]);
    await c.get("missing");
    await new Promise((r) => setTimeout(r, 100));
    monitor.disconnect();
    expect(seen).to.deep.equal(["evalsha", "evalsha", "evalsha", "mget", "evalsha"]);
  });
});
