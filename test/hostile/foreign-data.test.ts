import { expect } from "chai";
import type { Redis } from "ioredis";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, startTestServer, text, type TestServer } from "../helpers/app.js";
import { sharedRedis } from "../helpers/redis-server.js";

// Data under our keys that this server did not write: each shape reads as a
// miss (never an error, never a crash), alone and mixed with valid entries.
const NS = "foreign";
const entryKey = (key: string) => `fd:e:${NS.length}:${NS}:${key}`;
const u16 = (n: number) => [n >> 8, n & 255];

// Shapes that carry the namespace's current version (`nsv`) get past that
// check, so the tag parsing itself is exercised.
const SHAPES: Record<string, (r: Redis, k: string, nsv: Buffer) => Promise<unknown>> = {
  "an empty string": (r, k) => r.set(k, ""),
  "plain text": (r, k) => r.set(k, "hello, I am not an entry"),
  "an unknown format byte": (r, k, nsv) => r.set(k, Buffer.from([2, 0, ...nsv, 9])),
  "a truncated header": (r, k, nsv) => r.set(k, Buffer.from([1, 0, ...nsv.subarray(0, 5)])),
  "a header announcing tags that are not there": (r, k, nsv) => r.set(k, Buffer.from([1, 3, ...nsv])),
  "a tag length past the end": (r, k, nsv) => r.set(k, Buffer.from([1, 1, ...nsv, ...u16(0xffff), 97])),
  "a tag length cut in half": (r, k, nsv) => r.set(k, Buffer.from([1, 1, ...nsv, 0])),
  "a tag without its version": (r, k, nsv) => r.set(k, Buffer.from([1, 1, ...nsv, ...u16(1), 116, 1, 2])),
  "a second tag cut short": (r, k, nsv) => r.set(k, Buffer.from([1, 2, ...nsv, ...u16(1), 116, ...nsv, ...u16(40), 117])),
  "a list": (r, k) => r.rpush(k, "a", "b"),
  "a hash": (r, k) => r.hset(k, "f", "v"),
  "a set": (r, k) => r.sadd(k, "m"),
};

describe("foreign data under our keys", () => {
  let server: TestServer;
  let c: TaggedCacheClient;
  let redis: Redis;

  before(async () => {
    const shared = await sharedRedis();
    server = await startTestServer({ REDIS_URL: shared.url, KEY_PREFIX: "fd" });
    c = server.client(NS);
    redis = shared.connect();
  });
  after(async () => {
    await redis?.quit();
    await server?.stop();
  });
  beforeEach(async () => {
    const keys = await redis.keys("fd:*");
    if (keys.length > 0) await redis.del(...keys);
    await c.set("valid", bytes("v"), { tags: ["t"] }); // creates the namespace version too
  });

  for (const [shape, write] of Object.entries(SHAPES)) {
    it(`reads ${shape} as a miss, with and without tags, alone and in a GetMany`, async () => {
      const nsv = (await redis.getBuffer(`fd:a:{${NS.length}:${NS}}`))!;
      await write(redis, entryKey("bad"), nsv);
      expect(await c.get("bad")).to.equal(undefined);
      expect(await c.get("bad", { tags: ["a"] })).to.equal(undefined);
      const hits = await c.getMany(["valid", "bad", { key: "valid", tags: ["t"] }, "missing"]);
      expect([...hits.keys()]).to.deep.equal(["valid"]);
      expect(text(hits.get("valid")!.value)).to.equal("v");
      // A leased read misses and grants the lease.
      const leased = await c.read("bad", { lease: true });
      expect([leased.entry, leased.leaseToken !== undefined]).to.deep.equal([undefined, true]);
      await c.release("bad", leased.leaseToken!);
      // A Set replaces it like any entry.
      await c.set("bad", bytes("mine"));
      expect(text(await c.get("bad"))).to.equal("mine");
    });
  }

  it("treats foreign data under a tag or namespace version key as a changed version", async () => {
    await c.set("k", bytes("v"), { tags: ["x"] });
    await redis.del(`fd:t:{${NS.length}:${NS}}:x`);
    await redis.rpush(`fd:t:{${NS.length}:${NS}}:x`, "not a version");
    expect(await c.get("k")).to.equal(undefined);
    const token = (await c.read("k", { tags: ["x"] })).versionToken;
    expect(token).to.not.equal(undefined);
    // The token records "no version": the Set is refused and replaces the
    // foreign data with a fresh version, under which the next miss's Set stores.
    expect(await c.set("k", bytes("guarded"), { tags: ["x"], versionToken: token })).to.equal(false);
    const again = (await c.read("k", { tags: ["x"] })).versionToken;
    expect(await c.set("k", bytes("guarded"), { tags: ["x"], versionToken: again })).to.equal(true);
    expect(text(await c.get("k"))).to.equal("guarded");
    await redis.del(`fd:t:{${NS.length}:${NS}}:x`);
    await redis.rpush(`fd:t:{${NS.length}:${NS}}:x`, "not a version");
    const leased = await c.read("k", { tags: ["x"], lease: true });
    expect(leased.entry).to.equal(undefined);
    expect(await c.set("k", bytes("leased"), { tags: ["x"], leaseToken: leased.leaseToken })).to.equal(true);
    expect(text(await c.get("k"))).to.equal("leased");
    await redis.del(`fd:t:{${NS.length}:${NS}}:x`);
    await redis.rpush(`fd:t:{${NS.length}:${NS}}:x`, "not a version");
    await redis.del(`fd:a:{${NS.length}:${NS}}`);
    await redis.hset(`fd:a:{${NS.length}:${NS}}`, "f", "v");
    expect(await c.getMany(["valid", "k"])).to.have.property("size", 0);
    // Our next Set replaces the foreign versions.
    await c.set("k", bytes("again"), { tags: ["x"] });
    expect(text(await c.get("k", { tags: ["x"] }))).to.equal("again");
  });
});
