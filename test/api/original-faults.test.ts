import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import type { Redis } from "ioredis";
import { TaggedCacheError, type TaggedCacheClient } from "../../clients/typescript/src/index.js";
import type { MemoryStore } from "../../server/src/store/memory/memory-store.js";
import { bytes, sleep, startTestServer, text, type TestServer } from "../helpers/app.js";
import { sharedRedis } from "../helpers/redis-server.js";

// The faults of the original library (reference page, "Its faults"), each
// re-checked against the service by a test named after it. Not here:
// faults 6-8 concern the original's locks, whose counterpart, leases, has
// its own tests (test/contract/lease-contract.ts, test/api/leases.test.ts);
// fault 10 (Cluster) belongs to the cluster work; fault 11's thread safety
// is covered by the model check on the embedded store.
const TAG_LIFETIME_MS = 300;

async function failure(p: Promise<unknown>): Promise<TaggedCacheError> {
  try {
    await p;
  } catch (err) {
    return err as TaggedCacheError;
  }
  throw new Error("expected the call to fail");
}

function faults(name: string, start: () => Promise<TestServer>, flush: (s: TestServer) => Promise<void>): void {
  describe(`faults of the original: ${name}`, function () {
    this.timeout(20_000);
    let server: TestServer;
    let c: TaggedCacheClient;
    before(async () => {
      server = await start();
      c = server.client("faults");
    });
    after(async () => server?.stop());
    beforeEach(async () => flush(server));

    it("fault 1: a value computed before an invalidation is not stored after it", async () => {
      const miss = await c.read("k", { tags: ["t"] });
      expect(miss.entry).to.equal(undefined);
      await c.invalidate("t"); // lands while the caller computes the value
      expect(await c.set("k", bytes("stale"), { tags: ["t"], versionToken: miss.versionToken })).to.equal(false);
      expect(await c.get("k")).to.equal(undefined);
      const leased = await c.read("k", { tags: ["t"], lease: true });
      await c.invalidateAll();
      expect(await c.set("k", bytes("stale"), { tags: ["t"], leaseToken: leased.leaseToken })).to.equal(false);
      expect(await c.get("k")).to.equal(undefined);
    });

    it("fault 2: racing creation of a tag version orphans no entry", async () => {
      for (let round = 0; round < 10; round++) {
        const tag = `fresh${round}`;
        await Promise.all(Array.from({ length: 16 }, (_, i) => c.set(`k${round}.${i}`, bytes(`v${i}`), { tags: [tag, "shared"] })));
        const hits = await c.getMany(Array.from({ length: 16 }, (_, i) => `k${round}.${i}`));
        expect(hits.size, `round ${round}`).to.equal(16);
      }
    });

    it("fault 2: Sets racing an invalidation neither undo it nor orphan later entries", async () => {
      for (let round = 0; round < 10; round++) {
        const tag = `race${round}`;
        const keys = (what: string) => Array.from({ length: 8 }, (_, i) => `${what}${round}.${i}`);
        await c.set(`old${round}`, bytes("old"), { tags: [tag] });
        await Promise.all([...keys("during").map((k) => c.set(k, bytes("v"), { tags: [tag] })), c.invalidate(tag)]);
        expect(await c.get(`old${round}`), `round ${round}`).to.equal(undefined);
        await Promise.all(keys("after").map((k) => c.set(k, bytes("v"), { tags: [tag] })));
        expect((await c.getMany(keys("after"))).size, `round ${round}`).to.equal(8);
      }
    });

    it("fault 3: a tag never invalidated does not cap an entry's lifetime", async () => {
      await c.set("long", bytes("v"), { tags: ["t"], lifetimeMs: 60_000 });
      await c.set("forever", bytes("v"), { tags: ["u"], lifetimeMs: 0 });
      await sleep(TAG_LIFETIME_MS * 2);
      expect(text(await c.get("long"))).to.equal("v");
      expect(text(await c.get("forever"))).to.equal("v");
    });

    it("fault 4: no lifetime means the default, 0 means none, negative is refused", async () => {
      await c.set("default", bytes("v"));
      expect((await c.getEntry("default"))?.ttlMs).to.be.within(3_500_000, 3_600_000);
      await c.set("none", bytes("v"), { lifetimeMs: 0 });
      const none = await c.getEntry("none");
      expect([text(none?.value), none?.ttlMs]).to.deep.equal(["v", undefined]);
      const err = await failure(c.set("neg", bytes("v"), { lifetimeMs: -5 }));
      expect([err.code, err.details]).to.deep.equal([status.INVALID_ARGUMENT, "lifetime_ms: must not be negative (got -5)"]);
      await c.set("neg", bytes("v"), { lifetimeMs: 1 });
    });

    it("fault 5: tags given as an iterator are all used", async () => {
      await c.set("k", bytes("v"), { tags: [...new Set(["a", "b"]).values()] });
      expect((await c.getEntry("k"))?.tags).to.deep.equal(["a", "b"]);
      await c.invalidate(...new Map([["b", 1]]).keys());
      expect(await c.get("k")).to.equal(undefined);
    });

    it("fault 9: look-alike keys and namespaces never collide", async () => {
      const pairs: [string, string][] = [
        ["x", "a:b"], ["x:a", "b"], ["1:x", "a"], ["x", "1:x:a"], ["e", "x"], ["t:{1:x}", "a"],
        ["x", "e\u0301"], ["x", "\u00e9"], ["x", "a\u0000b"], ["x", "a\u0000"], ["x\u0000a", "b"], ["", "k"], ["default", "k2"],
      ];
      const keys = Array.from({ length: 150 }, (_, i) => `k${i.toString(2)}:${i % 7}`);
      const writes = [...pairs, ...keys.map((k) => ["x", k] as [string, string])];
      const clients = new Map<string, TaggedCacheClient>();
      const of = (ns: string) => clients.get(ns) ?? clients.set(ns, server.client(ns)).get(ns)!;
      for (const [ns, key] of writes) await of(ns).set(key, bytes(`${ns}|${key}`));
      for (const [ns, key] of writes) expect(text(await of(ns).get(key)), `${ns}|${key}`).to.equal(`${ns}|${key}`);
      expect(await of("x:a").get("b:")).to.equal(undefined);
    });
  });
}

faults("Redis store", async () => startTestServer({ REDIS_URL: (await sharedRedis()).url, KEY_PREFIX: "of", TAG_LIFETIME_MS: String(TAG_LIFETIME_MS) }), async () => {
  const redis = (await sharedRedis()).connect();
  const keys = await redis.keys("of:*");
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});
faults("embedded memory store", () => startTestServer({ TAG_LIFETIME_MS: String(TAG_LIFETIME_MS) }), async (s) => (s.app.store as MemoryStore).clear());

describe("fault 3: tag version lifetimes in Redis", () => {
  let server: TestServer;
  let redis: Redis;
  before(async () => {
    const shared = await sharedRedis();
    server = await startTestServer({ REDIS_URL: shared.url, KEY_PREFIX: "tl", TAG_LIFETIME_MS: "60000" });
    redis = shared.connect();
  });
  after(async () => {
    await redis?.quit();
    await server?.stop();
  });

  it("gives an invalidated version a lifetime, and versions outlive their entries", async () => {
    const c = server.client("life");
    const version = (tag: string) => `tl:t:{4:life}:${tag}`;
    await c.invalidate("never-used");
    expect(await redis.pttl(version("never-used"))).to.be.within(50_000, 60_000);
    await c.set("k", bytes("v"), { tags: ["long"], lifetimeMs: 600_000 });
    expect(await redis.pttl(version("long"))).to.be.within(590_000, 600_000);
    await c.set("k2", bytes("v"), { tags: ["forever"], lifetimeMs: 0 });
    expect(await redis.pttl(version("forever"))).to.equal(-1);
    expect(await redis.pttl("tl:a:{4:life}")).to.equal(-1);
  });
});
