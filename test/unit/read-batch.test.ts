import { expect } from "chai";
import { CallGoneError, ReplyTooLargeError } from "../../server/src/core/errors.js";
import type { Lookup, LookupResult } from "../../server/src/core/lookup.js";
import { readBatch } from "../../server/src/core/read-batch.js";
import { ReadGate } from "../../server/src/core/read-gate.js";
import { MemoryStore } from "../../server/src/store/memory/memory-store.js";

/** The embedded store, recording the keys of every getMany call. */
class RecordingStore extends MemoryStore {
  readonly calls: string[][] = [];

  override getMany(namespace: string, lookups: readonly Lookup[], maxBytes?: number): Promise<LookupResult[]> {
    this.calls.push(lookups.map((l) => l.key));
    return super.getMany(namespace, lookups, maxBytes);
  }
}

const value = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const read = (r: LookupResult) => (r?.hit ? r.value[0] : undefined);

describe("readBatch", () => {
  let store: RecordingStore;
  beforeEach(async () => {
    store = new RecordingStore({ tagLifetimeMs: 60_000, maxEntries: 1000, maxBytes: 64 * 1_048_576, sweepIntervalMs: 60_000 });
    for (let i = 0; i < 10; i++) await store.set("ns", `k${i}`, value(40, i), i === 3 ? ["t"] : [], 0);
  });
  afterEach(() => store.close());

  it("reads a repeated lookup once and answers every copy in order", async () => {
    const lookups = ["k1", "k2", "k1", "k1", "nope", "k2"].map((key) => ({ key, tags: [] }));
    const out = await readBatch(store, "ns", lookups, { maxReplyBytes: 1000, storeCallBytes: 1000, storeCallKeys: 100 });
    expect(out.map(read)).to.deep.equal([1, 2, 1, 1, undefined, 2]);
    expect(store.calls).to.deep.equal([["k1", "k2", "nope"]]);
  });

  it("tells lookups of one key with different tags apart", async () => {
    const lookups = [{ key: "k3", tags: ["t"] }, { key: "k3", tags: [] }, { key: "k3", tags: ["u"] }, { key: "k3", tags: ["t"] }];
    const out = await readBatch(store, "ns", lookups, { maxReplyBytes: 1000, storeCallBytes: 1000, storeCallKeys: 100 });
    expect(out.map(read)).to.deep.equal([3, 3, undefined, 3]);
    expect(store.calls).to.have.length(1);
    expect(store.calls[0]).to.have.length(3);
  });

  it("splits a batch by keys and by bytes per store call, always making progress", async () => {
    const lookups = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, tags: [] }));
    const out = await readBatch(store, "ns", lookups, { maxReplyBytes: 1000, storeCallBytes: 90, storeCallKeys: 4 });
    expect(out.map(read)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // 90 bytes hold two 40-byte values; a call asks for at most 4 keys.
    expect(store.calls.map((c) => c.length)).to.deep.equal([4, 4, 4, 4, 2]);
    const lone = await readBatch(store, "ns", lookups, { maxReplyBytes: 1000, storeCallBytes: 1, storeCallKeys: 4 });
    expect(lone.map(read)).to.deep.equal(out.map(read));
  });

  it("fails once the reply passes its budget, counting every copy, without reading the rest", async () => {
    const lookups = ["k1", "k1", "k1", "k2", "k4", "k5"].map((key) => ({ key, tags: [] }));
    const budget = { maxReplyBytes: 100, storeCallBytes: 40, storeCallKeys: 100 };
    const err = await readBatch(store, "ns", lookups, budget).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(ReplyTooLargeError);
    expect((err as Error).message).to.match(/^items: .*more than 100 bytes.*\(MAX_REPLY_BYTES\)/);
    expect(store.calls).to.have.length(1);
  });

  it("makes no further store call once its call has gone", async () => {
    const lookups = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, tags: [] }));
    const gone = new AbortController();
    const gate = new ReadGate(4);
    const original = store.getMany.bind(store);
    // The caller leaves while the first store call runs.
    store.getMany = (...a) => (gone.abort(), original(...a));
    const err = await readBatch(store, "ns", lookups, { maxReplyBytes: 1000, storeCallBytes: 1000, storeCallKeys: 3 }, 0, {
      gate,
      caller: "c",
      signal: gone.signal,
    }).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(CallGoneError);
    expect(store.calls).to.deep.equal([["k0", "k1", "k2"]]);
    expect(gate.load).to.deep.equal({ running: 0, waiting: 0 });
  });
});
