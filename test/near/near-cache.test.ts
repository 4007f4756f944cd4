import { expect } from "chai";
import type { NearCacheEvent, TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, startTestServer, text, type TestServer } from "../helpers/app.js";
import { NEAR_STORES, until, warm } from "./near-helpers.js";

function nearSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`near-cache: ${name}`, function () {
    let server: TestServer;
    let near: TaggedCacheClient;
    let writer: TaggedCacheClient;
    const events: NearCacheEvent[] = [];
    before(async () => (server = await startTestServer(await env())));
    after(async () => server?.stop());
    beforeEach(() => {
      const ns = `near-${Math.random().toString(36).slice(2)}`;
      events.length = 0;
      near = server.client(ns, { nearCache: { maxBytes: 4096 }, hooks: { onNearCache: (e) => events.push(e) } });
      writer = server.client(ns);
    });

    it("serves repeated reads from memory, then misses once another client invalidates a tag", async () => {
      await writer.set("k", bytes("v1"), { tags: ["t"] });
      await warm(near, "k");
      const hits = near.nearCacheStats!.hits;
      expect(text(await near.get("k"))).to.equal("v1");
      expect(near.nearCacheStats!.hits).to.equal(hits + 1);
      await writer.invalidate("t");
      expect(await near.get("k")).to.equal(undefined);
      expect(events.some((e) => e.kind === "drop")).to.equal(true);
    });

    it("drops an entry that another client Sets or Deletes, or whose namespace is invalidated", async () => {
      await writer.set("k", bytes("v1"));
      await warm(near, "k");
      await writer.set("k", bytes("v2"));
      expect(text(await near.get("k"))).to.equal("v2");
      await warm(near, "k");
      await writer.delete("k");
      expect(await near.get("k")).to.equal(undefined);
      await writer.set("k", bytes("v3"));
      await warm(near, "k");
      await writer.invalidateAll();
      expect(await near.get("k")).to.equal(undefined);
    });

    it("serves getMany and cached() hits from memory", async () => {
      await writer.setMany([{ key: "a", value: bytes("1") }, { key: "b", value: bytes("2") }]);
      await warm(near, "a");
      await warm(near, "b");
      const hits = near.nearCacheStats!.hits;
      const got = await near.getMany(["a", "b", "c"]);
      expect([...got.keys()].sort()).to.deep.equal(["a", "b"]);
      expect(near.nearCacheStats!.hits).to.equal(hits + 2);
      let runs = 0;
      const f = near.cached(async (x: number) => (runs++, x * 2), { key: (x) => `f${x}`, tags: ["f"] });
      expect(await f(2)).to.equal(4);
      await until(() => (void f(2), near.nearCacheStats!.hits > hits + 3));
      expect(runs).to.equal(1);
      await writer.invalidate("f");
      expect(await f(2)).to.equal(4);
      expect(runs).to.equal(2);
    });

    it("answers a read with tags only when the entry's tags match, as the server does", async () => {
      await writer.set("k", bytes("v"), { tags: ["a", "b"] });
      await warm(near, "k");
      expect(await near.get("k", { tags: ["b", "a"] })).to.not.equal(undefined);
      expect(await near.get("k", { tags: ["a"] })).to.equal(undefined);
    });

    it("evicts the least recently used entries past maxBytes", async () => {
      const big = new Uint8Array(1500);
      for (const k of ["x", "y", "z"]) await writer.set(k, big);
      for (const k of ["x", "y", "z"]) await warm(near, k);
      const s = near.nearCacheStats!;
      expect(s.bytes).to.be.at.most(4096);
      expect(s.evictions).to.be.greaterThan(0);
      expect(events.some((e) => e.kind === "evict")).to.equal(true);
    });
  });
}

for (const [name, env] of NEAR_STORES) nearSuite(name, env);
