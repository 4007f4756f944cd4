import { expect } from "chai";
import type { Op } from "./history.js";
import { checkHistory } from "./checker.js";
import type { Recorded, Seen } from "./run-history.js";

// Hand-written histories: the checker must catch what it exists to catch,
// and must not flag what concurrency allows.
let t = 0;
function at(start: number, end: number, op: Op, extra: Partial<Recorded> = {}): Recorded {
  return { lane: t++, op, start, end, ok: true, ...extra };
}
const set = (s: number, e: number, key: string, tags: string[], value: string) =>
  at(s, e, { kind: "set", ns: "n", key, tags }, { value });
const get = (s: number, e: number, key: string, seen: Seen | undefined, tags?: string[]) =>
  at(s, e, { kind: "get", ns: "n", key, tags }, { reads: [{ key, tags, seen }] });
const inv = (s: number, e: number, tags: string[]) => at(s, e, { kind: "invalidate", ns: "n", tags });
const evict = (s: number, e: number, tag: string | undefined) =>
  at(s, e, { kind: "evict", ns: "n", namespace: tag === undefined, tags: tag === undefined ? [] : [tag] });
// A fill of k with tags: its read missed at [s, tokenAt], its guarded Set ended at e.
const fill = (s: number, tokenAt: number, e: number, tags: string[], value: string, stored: boolean | undefined) =>
  at(s, e, { kind: "fill", ns: "n", key: "k", tags, lease: false, gap: 0 }, { reads: [{ key: "k", tags, seen: undefined }], tokenAt, value, stored });
const strict = { strictMisses: true };

describe("model checker", () => {
  it("accepts a hit of the value set", () => {
    const h = [set(1, 2, "k", ["a"], "v1"), get(3, 4, "k", { value: "v1", tags: ["a"] })];
    expect(checkHistory(h, strict)).to.deep.equal([]);
  });

  it("flags a hit after an invalidation of its tag returned", () => {
    const h = [set(1, 2, "k", ["a", "b"], "v1"), inv(3, 4, ["b"]), get(5, 6, "k", { value: "v1", tags: ["a", "b"] })];
    expect(checkHistory(h, strict).map((v) => v.kind)).to.deep.equal(["stale: invalidated"]);
  });

  it("flags a hit after InvalidateAll of the namespace returned", () => {
    const all = at(3, 4, { kind: "invalidateAll", ns: "n" });
    const h = [set(1, 2, "k", [], "v1"), all, get(5, 6, "k", { value: "v1", tags: [] })];
    expect(checkHistory(h, strict).map((v) => v.kind)).to.deep.equal(["stale: invalidated"]);
  });

  it("allows a hit when the invalidation overlaps the read or the Set", () => {
    expect(checkHistory([set(1, 2, "k", ["a"], "v1"), inv(3, 6, ["a"]), get(5, 7, "k", { value: "v1", tags: ["a"] })], strict)).to.deep.equal([]);
    expect(checkHistory([set(1, 4, "k", ["a"], "v1"), inv(3, 5, ["a"]), get(6, 7, "k", { value: "v1", tags: ["a"] })], strict)).to.deep.equal([]);
  });

  it("ignores an invalidation that failed", () => {
    const h = [set(1, 2, "k", ["a"], "v1"), { ...inv(3, 4, ["a"]), ok: false }, get(5, 6, "k", { value: "v1", tags: ["a"] })];
    expect(checkHistory(h, { strictMisses: false })).to.deep.equal([]);
  });

  it("flags a value replaced or deleted before the read began", () => {
    const replaced = [set(1, 2, "k", [], "v1"), set(3, 4, "k", [], "v2"), get(5, 6, "k", { value: "v1", tags: [] })];
    expect(checkHistory(replaced, strict).map((v) => v.kind)).to.deep.equal(["stale: replaced"]);
    const del = at(3, 4, { kind: "delete", ns: "n", key: "k" });
    expect(checkHistory([set(1, 2, "k", [], "v1"), del, get(5, 6, "k", { value: "v1", tags: [] })], strict).map((v) => v.kind))
      .to.deep.equal(["stale: replaced"]);
  });

  it("flags a value never set, set later, set under another key, or with the wrong tags", () => {
    expect(checkHistory([get(1, 2, "k", { value: "v9", tags: [] })], strict)[0]?.kind).to.equal("unknown value");
    expect(checkHistory([get(1, 2, "k", { value: "v1", tags: [] }), set(3, 4, "k", [], "v1")], strict)[0]?.kind).to.equal("unknown value");
    expect(checkHistory([set(1, 2, "j", [], "v1"), get(3, 4, "k", { value: "v1", tags: [] })], strict)[0]?.kind).to.equal("unknown value");
    expect(checkHistory([set(1, 2, "k", ["a"], "v1"), get(3, 4, "k", { value: "v1", tags: ["b"] })], strict)[0]?.kind).to.equal("wrong tags");
    expect(checkHistory([set(1, 2, "k", ["a"], "v1"), get(3, 4, "k", { value: "v1", tags: ["a"] }, ["a", "b"])], strict)[0]?.kind).to.equal("wrong tags");
  });

  it("flags a provable miss only in strict mode", () => {
    const h = [set(1, 2, "k", ["a"], "v1"), get(3, 4, "k", undefined)];
    expect(checkHistory(h, strict).map((v) => v.kind)).to.deep.equal(["missed"]);
    expect(checkHistory(h, { strictMisses: false })).to.deep.equal([]);
  });

  it("allows a miss that a concurrent writer, an invalidation or other tags explain", () => {
    expect(checkHistory([set(1, 2, "k", ["a"], "v1"), inv(3, 5, ["a"]), get(4, 6, "k", undefined)], strict)).to.deep.equal([]);
    expect(checkHistory([set(1, 2, "k", [], "v1"), set(3, 5, "k", [], "v2"), get(4, 6, "k", undefined)], strict)).to.deep.equal([]);
    expect(checkHistory([set(1, 2, "k", ["a"], "v1"), get(3, 4, "k", undefined, ["b"])], strict)).to.deep.equal([]);
  });

  it("accepts a refused guarded Set, and a stored one's value when nothing invalidated it", () => {
    const refused = [fill(1, 2, 3, ["a"], "v1", false), get(4, 5, "k", undefined)];
    expect(checkHistory(refused, strict)).to.deep.equal([]);
    const stored = [fill(1, 2, 3, ["a"], "v1", true), get(4, 5, "k", { value: "v1", tags: ["a"] })];
    expect(checkHistory(stored, strict)).to.deep.equal([]);
    expect(checkHistory([fill(1, 2, 3, ["a"], "v1", true), get(4, 5, "k", undefined)], strict).map((v) => v.kind)).to.deep.equal(["missed"]);
  });

  it("flags a guarded Set's value when an invalidation began after its token arrived", () => {
    const h = [fill(1, 2, 6, ["a"], "v1", true), inv(3, 4, ["a"]), get(7, 8, "k", { value: "v1", tags: ["a"] })];
    expect(checkHistory(h, strict).map((v) => v.kind)).to.deep.equal(["stale: invalidated before its guarded Set"]);
    const all = at(3, 7, { kind: "invalidateAll", ns: "n" });
    expect(checkHistory([fill(1, 2, 6, [], "v1", undefined), all, get(8, 9, "k", { value: "v1", tags: [] })], strict).map((v) => v.kind))
      .to.deep.equal(["stale: invalidated before its guarded Set"]);
  });

  it("allows a guarded Set's value when the invalidation overlapped its read", () => {
    const h = [fill(1, 3, 6, ["a"], "v1", true), inv(2, 4, ["a"]), get(7, 8, "k", { value: "v1", tags: ["a"] })];
    expect(checkHistory(h, strict)).to.deep.equal([]);
  });

  it("does not count an eviction between token and Set against a guarded Set's value", () => {
    const h = [fill(1, 2, 6, ["a"], "v1", true), evict(3, 4, "a"), get(7, 8, "k", { value: "v1", tags: ["a"] })];
    expect(checkHistory(h, { strictMisses: false })).to.deep.equal([]);
  });

  it("flags a hit after an eviction of its version, and lets an eviction explain a miss", () => {
    const tag = [set(1, 2, "k", ["a"], "v1"), evict(3, 4, "a"), get(5, 6, "k", { value: "v1", tags: ["a"] })];
    expect(checkHistory(tag, strict).map((v) => v.kind)).to.deep.equal(["stale: invalidated"]);
    const ns = [set(1, 2, "k", ["a"], "v1"), evict(3, 4, undefined), get(5, 6, "k", { value: "v1", tags: ["a"] })];
    expect(checkHistory(ns, strict).map((v) => v.kind)).to.deep.equal(["stale: invalidated"]);
    expect(checkHistory([set(1, 2, "k", ["a"], "v1"), evict(3, 4, "a"), get(5, 6, "k", undefined)], strict)).to.deep.equal([]);
    expect(checkHistory([set(1, 2, "k", ["a"], "v1"), evict(3, 4, "b"), get(5, 6, "k", undefined)], strict).map((v) => v.kind)).to.deep.equal(["missed"]);
  });
});
