import { expect } from "chai";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { KeyScheme } from "../../server/src/store/keys.js";
import { bytes, sleep, text, type TestServer } from "../helpers/app.js";

/** How a contract run gets its server and empties its store between tests. */
export interface ContractTarget {
  start(): Promise<TestServer>;
  /** Empties the store; called before each test. */
  flush(server: TestServer): Promise<void>;
  /**
   * Removes the namespace's version (`tag` undefined) or a tag's version, as
   * an eviction or expiry would: a DEL of its key on Redis.
   */
  evictVersion(server: TestServer, namespace: string, tag: string | undefined): Promise<void>;
}

/** The Redis key of a namespace's version (`tag` undefined) or of a tag's version. */
export function versionKey(server: TestServer, namespace: string, tag: string | undefined): string {
  const keys = new KeyScheme(server.config.store.keyPrefix).forNamespace(namespace);
  return tag === undefined ? keys.allKey : keys.tagPrefix + tag;
}

/**
 * Starts the target's server for the enclosing suite (handing it to `ready`),
 * flushes its store before each test and stops it afterwards.
 */
export function useTarget(target: Pick<ContractTarget, "start" | "flush">, ready: (server: TestServer) => void): void {
  let server: TestServer | undefined;
  before(async () => {
    server = await target.start();
    ready(server);
  });
  after(async () => server?.stop());
  beforeEach(async () => target.flush(server!));
}

/**
 * The behaviour every store must show, checked end to end through the gRPC
 * client. Numbers refer to the reference page of the original library.
 */
export function cacheContract(name: string, target: ContractTarget): void {
  describe(`cache contract: ${name}`, function () {
    let server: TestServer;
    let c: TaggedCacheClient;
    useTarget(target, (s) => {
      server = s;
      c = s.client();
    });

    describe("set and get (1, 3, 6)", () => {
      it("reads back what was set, with or without its tags, in any order", async () => {
        await c.set("k", bytes("v"), { tags: ["t1", "t2"] });
        expect(text(await c.get("k"))).to.equal("v");
        expect(text(await c.get("k", { tags: ["t1", "t2"] }))).to.equal("v");
        expect(text(await c.get("k", { tags: ["t2", "t1"] }))).to.equal("v");
      });

      it("reports the entry's tags, sorted and without duplicates, and its lifetime", async () => {
        await c.set("k", bytes("v"), { tags: ["b", "a", "b"], lifetimeMs: 60_000 });
        const e = await c.getEntry("k");
        expect(e?.tags).to.deep.equal(["a", "b"]);
        expect(e?.ttlMs).to.be.within(55_000, 60_000);
      });

      it("misses on a key never set", async () => {
        expect(await c.get("nope")).to.equal(undefined);
        expect(await c.getEntry("nope")).to.equal(undefined);
      });

      it("stores empty and binary values", async () => {
        await c.set("empty", new Uint8Array(0));
        const e = await c.getEntry("empty");
        expect(e).to.not.equal(undefined);
        expect(e!.value.length).to.equal(0);
        const bin = Uint8Array.from({ length: 256 }, (_, i) => i);
        await c.set("bin", bin);
        expect(Array.from((await c.get("bin"))!)).to.deep.equal(Array.from(bin));
      });

      it("replaces an entry set again under the same key", async () => {
        await c.set("k", bytes("one"), { tags: ["a"] });
        await c.set("k", bytes("two"), { tags: ["b"] });
        expect(await c.get("k", { tags: ["a"] })).to.equal(undefined);
        const e = await c.getEntry("k");
        expect(text(e?.value)).to.equal("two");
        expect(e?.tags).to.deep.equal(["b"]);
      });

      it("stores keys and tags of any characters", async () => {
        const key = "clé:{x}\u0000*?[]\n😀";
        await c.set(key, bytes("v"), { tags: ["tag:{y}", "ünïcode"] });
        expect(text(await c.get(key, { tags: ["ünïcode", "tag:{y}"] }))).to.equal("v");
      });
    });

    describe("tag sets on read (2)", () => {
      beforeEach(async () => c.set("k", bytes("v"), { tags: ["a", "b"] }));
      it("misses with a subset of the tags", async () => expect(await c.get("k", { tags: ["a"] })).to.equal(undefined));
      it("misses with a superset", async () =>
        expect(await c.get("k", { tags: ["a", "b", "c"] })).to.equal(undefined));
      it("misses with other tags", async () => expect(await c.get("k", { tags: ["x", "y"] })).to.equal(undefined));
      it("misses with tags on an entry set without any", async () => {
        await c.set("plain", bytes("v"));
        expect(await c.get("plain", { tags: ["a"] })).to.equal(undefined);
        expect(text(await c.get("plain"))).to.equal("v");
      });
      it("ignores duplicates in the tags read", async () =>
        expect(text(await c.get("k", { tags: ["b", "a", "a"] }))).to.equal("v"));
    });

    describe("invalidate (4)", () => {
      it("makes entries carrying the tag miss and leaves the others", async () => {
        await c.set("k1", bytes("1"), { tags: ["a", "b"] });
        await c.set("k2", bytes("2"), { tags: ["b"] });
        await c.set("k3", bytes("3"), { tags: ["c"] });
        await c.set("k4", bytes("4"));
        await c.invalidate("b");
        expect(await c.get("k1")).to.equal(undefined);
        expect(await c.get("k2", { tags: ["b"] })).to.equal(undefined);
        expect(text(await c.get("k3"))).to.equal("3");
        expect(text(await c.get("k4"))).to.equal("4");
      });

      it("takes several tags at once", async () => {
        await c.set("k1", bytes("1"), { tags: ["a"] });
        await c.set("k2", bytes("2"), { tags: ["b"] });
        await c.set("k3", bytes("3"), { tags: ["c"] });
        await c.invalidate("a", "b");
        expect(await c.get("k1")).to.equal(undefined);
        expect(await c.get("k2")).to.equal(undefined);
        expect(text(await c.get("k3"))).to.equal("3");
      });

      it("accepts a tag no entry carries", async () => {
        await c.set("k", bytes("v"), { tags: ["a"] });
        await c.invalidate("never-used");
        expect(text(await c.get("k"))).to.equal("v");
      });

      it("misses between two gets around an invalidation, and hits a set made after it", async () => {
        await c.set("k", bytes("old"), { tags: ["a"] });
        expect(text(await c.get("k"))).to.equal("old");
        await c.invalidate("a");
        expect(await c.get("k")).to.equal(undefined);
        await c.set("k", bytes("new"), { tags: ["a"] });
        expect(text(await c.get("k"))).to.equal("new");
      });
    });

    describe("invalidateAll (5)", () => {
      it("makes every entry of the namespace miss, untagged ones too, and no other namespace", async () => {
        const other = server.client("other");
        await c.set("k1", bytes("1"), { tags: ["a"] });
        await c.set("k2", bytes("2"));
        await other.set("k1", bytes("o"));
        await c.invalidateAll();
        expect(await c.get("k1")).to.equal(undefined);
        expect(await c.get("k2")).to.equal(undefined);
        expect(text(await other.get("k1"))).to.equal("o");
        await c.set("k2", bytes("again"));
        expect(text(await c.get("k2"))).to.equal("again");
      });
    });

    describe("lifetimes (7)", () => {
      it("expires an entry after its lifetime", async () => {
        await c.set("k", bytes("v"), { lifetimeMs: 150 });
        expect(text(await c.get("k"))).to.equal("v");
        await sleep(300);
        expect(await c.get("k")).to.equal(undefined);
      });

      it("keeps an entry of lifetime 0 with no expiry", async () => {
        await c.set("k", bytes("v"), { lifetimeMs: 0, tags: ["a"] });
        const e = await c.getEntry("k");
        expect(text(e?.value)).to.equal("v");
        expect(e?.ttlMs).to.equal(undefined);
      });

      it("applies the server's default lifetime when none is given", async () => {
        await c.set("k", bytes("v"));
        const ttl = (await c.getEntry("k"))?.ttlMs;
        expect(ttl).to.be.within(server.config.limits.defaultLifetimeMs - 5000, server.config.limits.defaultLifetimeMs);
      });
    });

    describe("delete (8)", () => {
      it("returns false for a missing key and true for a present one", async () => {
        expect(await c.delete("nope")).to.equal(false);
        await c.set("k", bytes("v"), { tags: ["a"] });
        expect(await c.delete("k")).to.equal(true);
        expect(await c.get("k")).to.equal(undefined);
        expect(await c.delete("k")).to.equal(false);
      });
    });

    describe("namespaces", () => {
      it("keeps namespaces apart, look-alike keys included", async () => {
        const x = server.client("x");
        const xa = server.client("x:a");
        await x.set("a:b", bytes("x/a:b"));
        await xa.set("b", bytes("x:a/b"));
        expect(text(await x.get("a:b"))).to.equal("x/a:b");
        expect(text(await xa.get("b"))).to.equal("x:a/b");
        expect(await x.get("b")).to.equal(undefined);
        expect(await xa.get("a:b")).to.equal(undefined);
      });

      it("keeps tags of one namespace from invalidating another's", async () => {
        const n1 = server.client("n1");
        const n2 = server.client("n2");
        await n1.set("k", bytes("1"), { tags: ["t"] });
        await n2.set("k", bytes("2"), { tags: ["t"] });
        await n1.invalidate("t");
        expect(await n1.get("k")).to.equal(undefined);
        expect(text(await n2.get("k"))).to.equal("2");
      });

      it("treats the empty namespace as 'default'", async () => {
        await c.set("k", bytes("v"));
        expect(text(await server.client("default").get("k"))).to.equal("v");
      });
    });

    describe("GetMany", () => {
      it("answers each batch in order, one result per key", async () => {
        await c.set("a", bytes("A"), { tags: ["t"] });
        await c.set("b", bytes("B"));
        await c.set("c", bytes("C"), { tags: ["u"] });
        await c.invalidate("u");
        const batches = [["a", "missing", "b"], [{ key: "a", tags: ["t"] }, { key: "b", tags: ["t"] }, "c"], []];
        const out: (string | undefined)[][] = [];
        for await (const results of c.getManyStream(batches)) out.push(results.map((e) => text(e?.value)));
        expect(out).to.deep.equal([["A", undefined, "B"], ["A", undefined, undefined], []]);
      });

      it("misses every entry of an invalidated tag in a batch whose entries share tags", async () => {
        for (let i = 0; i < 10; i++) await c.set(`s${i}`, bytes(String(i)), { tags: ["all", i % 2 ? "odd" : "even"] });
        await c.invalidate("even");
        const keys = Array.from({ length: 10 }, (_, i) => `s${i}`);
        const out: (string | undefined)[][] = [];
        for await (const results of c.getManyStream([keys])) out.push(results.map((e) => text(e?.value)));
        expect(out[0]).to.deep.equal(keys.map((_, i) => (i % 2 ? String(i) : undefined)));
      });

      it("returns hits as a map over many batches", async () => {
        const keys = Array.from({ length: 1200 }, (_, i) => `k${i}`);
        for (let i = 0; i < keys.length; i += 2) await c.set(keys[i]!, bytes(String(i)), { tags: ["even"] });
        const hits = await c.getMany(keys, 100);
        expect(hits.size).to.equal(600);
        expect(text(hits.get("k42")?.value)).to.equal("42");
        expect(hits.get("k42")?.tags).to.deep.equal(["even"]);
        expect(hits.has("k43")).to.equal(false);
      });
    });
  });
}
