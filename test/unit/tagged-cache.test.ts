import { expect } from "chai";
import { loadConfig } from "../../server/src/config.js";
import { InvalidArgumentError } from "../../server/src/core/errors.js";
import { isHit, type LookupResult } from "../../server/src/core/lookup.js";
import type { Store } from "../../server/src/core/store.js";
import { TaggedCache } from "../../server/src/core/tagged-cache.js";
import { openStore } from "../../server/src/store/open-store.js";
import { bytes, rejection, text } from "../helpers/app.js";

// The cache core over the embedded store, called directly: no gRPC, no Redis.
// Limits are small so each refusal is cheap to provoke.
const config = loadConfig([], {
  MAX_KEY_BYTES: "8",
  MAX_TAG_BYTES: "8",
  MAX_TAGS: "3",
  MAX_INVALIDATE_TAGS: "2",
  MAX_VALUE_BYTES: "16",
  MAX_BATCH_KEYS: "4",
  MAX_LIFETIME_MS: "60000",
  DEFAULT_LIFETIME_MS: "30000",
});

const value = (r: LookupResult) => (isHit(r) ? text(r.value) : undefined);

describe("TaggedCache (core, over the embedded store)", () => {
  let store: Store;
  let cache: TaggedCache;
  beforeEach(() => {
    store = openStore(config.store);
    cache = new TaggedCache(store, config.limits, config.leases);
  });
  afterEach(() => store.close());

  it("runs over the embedded store when no Redis is configured", () => {
    expect(store.kind).to.equal("memory");
  });

  it("reads back what it stored, with its tags sorted and without duplicates", async () => {
    await cache.set("ns", "k", bytes("v"), ["b", "a", "b"], undefined);
    const hit = await cache.get("ns", "k", []);
    expect(isHit(hit) && { value: text(hit.value), tags: hit.tags }).to.deep.equal({ value: "v", tags: ["a", "b"] });
  });

  it("applies the default lifetime when a Set names none, and none for 0", async () => {
    await cache.set("ns", "dflt", bytes("v"), [], undefined);
    await cache.set("ns", "forever", bytes("v"), [], 0n);
    const dflt = await cache.get("ns", "dflt", []);
    const forever = await cache.get("ns", "forever", []);
    expect(isHit(dflt) && dflt.ttlMs).to.be.within(1, 30_000);
    expect(isHit(forever) && forever.ttlMs).to.equal(-1);
  });

  it("matches a lookup's tags as a set: any order, repeats ignored; other sets miss", async () => {
    await cache.set("ns", "k", bytes("v"), ["a", "b"], undefined);
    expect(value(await cache.get("ns", "k", ["b", "a", "a"]))).to.equal("v");
    expect(value(await cache.get("ns", "k", ["a"]))).to.equal(undefined);
    expect(value(await cache.get("ns", "k", ["a", "b", "c"]))).to.equal(undefined);
  });

  it("keeps namespaces apart, the empty namespace being the default one", async () => {
    await cache.set("", "k", bytes("default"), [], undefined);
    await cache.set("other", "k", bytes("other"), [], undefined);
    expect(value(await cache.get("default", "k", []))).to.equal("default");
    expect(value(await cache.get("other", "k", []))).to.equal("other");
    await cache.invalidateAll("other");
    expect(value(await cache.get("", "k", []))).to.equal("default");
  });

  it("deletes an entry, saying whether one was there", async () => {
    await cache.set("ns", "k", bytes("v"), [], undefined);
    expect(await cache.delete("ns", "k")).to.equal(true);
    expect(await cache.delete("ns", "k")).to.equal(false);
    expect(value(await cache.get("ns", "k", []))).to.equal(undefined);
  });

  it("invalidates the entries carrying any of the tags, and only those", async () => {
    await cache.set("ns", "ab", bytes("1"), ["a", "b"], undefined);
    await cache.set("ns", "c", bytes("2"), ["c"], undefined);
    await cache.set("ns", "none", bytes("3"), [], undefined);
    await cache.invalidate("ns", ["b", "x"]);
    expect(value(await cache.get("ns", "ab", []))).to.equal(undefined);
    expect(value(await cache.get("ns", "c", []))).to.equal("2");
    expect(value(await cache.get("ns", "none", []))).to.equal("3");
    // A Set after the invalidation is current again.
    await cache.set("ns", "ab", bytes("4"), ["a", "b"], undefined);
    expect(value(await cache.get("ns", "ab", []))).to.equal("4");
  });

  it("invalidates a whole namespace at once, tagged or not", async () => {
    await cache.set("ns", "t", bytes("1"), ["a"], undefined);
    await cache.set("ns", "u", bytes("2"), [], undefined);
    await cache.invalidateAll("ns");
    expect((await cache.getMany("ns", [{ key: "t", tags: [] }, { key: "u", tags: [] }])).map(value)).to.deep.equal([undefined, undefined]);
  });

  it("answers GetMany in order, one result per lookup, repeats included", async () => {
    await cache.set("ns", "a", bytes("A"), ["t"], undefined);
    await cache.set("ns", "b", bytes("B"), [], undefined);
    const lookups = [
      { key: "b", tags: [] },
      { key: "missing", tags: [] },
      { key: "a", tags: ["t", "t"] },
      { key: "b", tags: [] },
    ];
    expect((await cache.getMany("ns", lookups)).map(value)).to.deep.equal(["B", undefined, "A", "B"]);
    expect(lookups[2]!.tags).to.deep.equal(["t"]);
    expect(await cache.getMany("ns", [])).to.deep.equal([]);
  });

  describe("refuses bad input, naming the field and the limit", () => {
    const refusals: [string, () => unknown, string][] = [
      ["an empty key", () => cache.get("ns", "", []), "key: must not be empty"],
      ["a long key", () => cache.set("ns", "123456789", bytes(""), [], undefined), "key: must be at most 8 bytes (got 9)"],
      ["a long key, counted in UTF-8 bytes", () => cache.delete("ns", "ééééé"), "key: must be at most 8 bytes (got 10)"],
      ["a long namespace", () => cache.invalidateAll("n".repeat(config.limits.maxNamespaceBytes + 1)),
        `namespace: must be at most ${config.limits.maxNamespaceBytes} bytes (got ${config.limits.maxNamespaceBytes + 1})`],
      ["too many tags", () => cache.set("ns", "k", bytes(""), ["a", "b", "c", "d"], undefined), "tags: must hold at most 3 tags (got 4)"],
      ["an empty tag", () => cache.get("ns", "k", ["a", ""]), "tags[1]: must not be empty"],
      ["a long value", () => cache.set("ns", "k", new Uint8Array(17), [], undefined), "value: must be at most 16 bytes (got 17)"],
      ["a negative lifetime", () => cache.set("ns", "k", bytes(""), [], -1n), "lifetime_ms: must not be negative (got -1)"],
      ["a lifetime past the limit", () => cache.set("ns", "k", bytes(""), [], 60_001n), "lifetime_ms: must be at most 60000 ms (got 60001)"],
      ["an Invalidate without tags", () => cache.invalidate("ns", []), "tags: must hold at least one tag"],
      ["an Invalidate of too many tags", () => cache.invalidate("ns", ["a", "b", "c"]), "tags: must hold at most 2 tags (got 3)"],
      ["a batch too large", () => cache.getMany("ns", Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, tags: [] }))),
        "items: must hold at most 4 keys (got 5)"],
      ["a bad key inside a batch", () => cache.getMany("ns", [{ key: "k", tags: [] }, { key: "", tags: [] }]), "items[1].key: must not be empty"],
      ["a bad tag inside a batch", () => cache.getMany("ns", [{ key: "k", tags: ["123456789"] }]), "items[0].tags[0]: must be at most 8 bytes (got 9)"],
    ];
    for (const [what, call, message] of refusals) {
      it(what, async () => {
        const err = await rejection<InvalidArgumentError>(call);
        expect(err).to.be.instanceOf(InvalidArgumentError);
        expect(err.code).to.equal("invalid_argument");
        expect(err.message).to.equal(message);
      });
    }

    it("and stores nothing when it refuses", async () => {
      await rejection(() => cache.set("ns", "k", new Uint8Array(17), [], undefined));
      expect(value(await cache.get("ns", "k", []))).to.equal(undefined);
    });
  });
});
