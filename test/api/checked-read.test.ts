import { randomBytes } from "node:crypto";
import { expect } from "chai";
import type { Redis } from "ioredis";
import type { LookupResult } from "../../server/src/core/lookup.js";
import { KeyScheme } from "../../server/src/store/keys.js";
import { checkEntries, collectEntries } from "../../server/src/store/redis/checked-read.js";
import { versionDigest } from "../../server/src/store/redis/entry-codec.js";
import { defineScripts, scriptSource } from "../../server/src/store/redis/scripts.js";
import type { ReadEntry } from "../../server/src/store/redis/version-check.js";
import { RedisStore } from "../../server/src/store/redis-standalone/redis-store.js";
import { sharedRedis } from "../helpers/redis-server.js";

// GetMany reads entries, then their versions, and checks them in the server.
// Whatever happens between the two steps must never let a stale value out.
describe("GetMany in two steps: entries, then their versions", () => {
  const ns = new KeyScheme("checked").forNamespace("n");
  let store: RedisStore;
  let redis: Redis;

  before(async () => {
    const r = await sharedRedis();
    store = new RedisStore({ url: r.url, keyPrefix: "checked", tagLifetimeMs: 60_000, commandTimeoutMs: 5000, connectTimeoutMs: 5000 });
    redis = r.connect();
    defineScripts(redis);
    expect(await store.waitUntilReady(10_000)).to.equal(true);
  });
  after(async () => {
    await redis?.quit();
    await store?.close();
  });
  beforeEach(async () => {
    await store.set("n", "k", Buffer.from("v1"), ["a", "b"], 60_000);
    await store.set("n", "other", Buffer.from("v2"), ["c"], 60_000);
  });

  // The first step alone, as the stores take it.
  async function readStep(keys: string[]): Promise<(ReadEntry | undefined)[]> {
    const entryKeys = keys.map((k) => ns.entryPrefix + k);
    const found = new Array<ReadEntry | undefined>(keys.length);
    found.length = collectEntries(await redis.tcReadEntriesBuffer(keys.length, ...entryKeys), found);
    return found;
  }

  async function checkStep(keys: string[], tags: string[][], found: (ReadEntry | undefined)[]): Promise<LookupResult[]> {
    const lookups = keys.map((key, i) => ({ key, tags: tags[i]! }));
    return checkEntries(redis, ns, lookups, keys.map((k) => ns.entryPrefix + k), found, 0);
  }

  it("hits when nothing the entry recorded changed between the steps", async () => {
    const found = await readStep(["k", "other", "absent"]);
    await store.invalidate("n", ["c"]);
    const [k, other, absent] = await checkStep(["k", "other", "absent"], [[], [], ["a"]], found);
    expect(k?.hit && Buffer.from(k.value).toString()).to.equal("v1");
    expect(other?.hit).to.equal(false);
    expect(absent?.hit).to.equal(false);
  });

  it("misses, and deletes the entry, when a tag was invalidated between the steps", async () => {
    const found = await readStep(["k"]);
    await store.invalidate("n", ["b"]);
    const [k] = await checkStep(["k"], [["a", "b"]], found);
    expect(k?.hit).to.equal(false);
    // The miss reports the versions of the second step: its version token.
    const now = await redis.mgetBuffer(ns.allKey, `${ns.tagPrefix}a`, `${ns.tagPrefix}b`);
    expect(k && !k.hit && k.versions?.tagVersions).to.deep.equal([now[1], now[2]]);
    // Its removal went out on this connection, so it has run once this answers.
    expect(await redis.exists(`${ns.entryPrefix}k`)).to.equal(0);
  });

  it("misses when a version vanished between the steps", async () => {
    const found = await readStep(["k"]);
    await redis.del(ns.allKey);
    const [k] = await checkStep(["k"], [[]], found);
    expect(k?.hit).to.equal(false);
  });

  it("keeps an entry a Set replaced between the steps", async () => {
    const found = await readStep(["k"]);
    await store.invalidate("n", ["a"]);
    await store.set("n", "k", Buffer.from("v3"), ["a", "b"], 60_000);
    const [k] = await checkStep(["k"], [[]], found);
    expect(k?.hit).to.equal(false);
    // delete-stale.lua compares the header it read: the new entry stays.
    // (It went out on this connection, so it has run once this PING answers.)
    await redis.ping();
    expect((await store.get("n", "k", []))?.hit).to.equal(true);
  });

  it("stops the first step at the byte budget, never before the first entry", async () => {
    await store.set("n", "big", Buffer.alloc(1000), [], 60_000);
    const reply = await redis.tcReadEntriesBuffer(3, ...["k", "big", "other"].map((k) => ns.entryPrefix + k), 500);
    expect(reply.length).to.equal(2);
    const first = await redis.tcReadEntriesBuffer(2, ...["big", "k"].map((k) => ns.entryPrefix + k), 500);
    expect(first.length).to.equal(2);
  });

  it("digests versions exactly as entry-format.lua does", async () => {
    const lua = `${scriptSource("lib/entry-format.lua")}\nreturn versionDigest(ARGV) or 'none'`;
    for (const n of [1, 2, 4, 33, 256]) {
      const versions = Array.from({ length: n }, () => randomBytes(8));
      const theirs = (await redis.callBuffer("EVAL", lua, 0, ...versions)) as Buffer;
      expect(versionDigest(versions)?.equals(theirs), `${n} versions`).to.equal(true);
    }
    const short = [randomBytes(8), randomBytes(7)];
    expect(((await redis.callBuffer("EVAL", lua, 0, ...short)) as Buffer).toString()).to.equal("none");
    expect(versionDigest(short)).to.equal(undefined);
  });
});
