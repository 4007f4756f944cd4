import { expect } from "chai";
import { WatchHub } from "../../server/src/core/watch-hub.js";
import type { NearSettings } from "../../server/src/core/watch-change.js";
import { watchedStore } from "../../server/src/core/watched-store.js";
import { MemoryStore } from "../../server/src/store/memory/memory-store.js";

const SETTINGS: NearSettings = {
  nearCache: "on", nearLeaseMs: 1000, nearMaxSubscribers: 10, nearMaxSubscribersPerConnection: 10,
  nearMaxNamespaces: 4, nearMaxPendingEvents: 8, nearMaxServerNamespaces: 16,
};

// The wrapper must keep every part of the Store contract its reads rely on.
describe("watchedStore", () => {
  let inner: MemoryStore;
  beforeEach(async () => {
    inner = new MemoryStore({ tagLifetimeMs: 60_000, maxEntries: 1000, maxBytes: 64 * 1_048_576, sweepIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) await inner.set("ns", `k${i}`, new Uint8Array(40).fill(i), [], 0);
  });
  afterEach(() => inner.close());

  it("passes GetMany's byte budget through, answering only the first results", async () => {
    const store = watchedStore(inner, new WatchHub(SETTINGS));
    const lookups = [0, 1, 2, 3, 4].map((i) => ({ key: `k${i}`, tags: [] }));
    const all = await store.getMany("ns", lookups);
    const some = await store.getMany("ns", lookups, 100);
    expect(all).to.have.length(5);
    expect(some).to.have.length(2);
    expect(some.map((r) => (r?.hit ? r.value[0] : undefined))).to.deep.equal([0, 1]);
  });

  it("creates the versions a token recorded absent through the wrapped store", async () => {
    const store = watchedStore(inner, new WatchHub(SETTINGS));
    await store.leases.createVersions("ns", ["fresh"]);
    const attempt = await inner.leases.acquire("ns", "new", ["fresh"], new Uint8Array([1]), 1000);
    expect(attempt.state).to.equal("granted");
    if (attempt.state !== "granted") return;
    const stored = await store.leases.setGuarded("ns", "new", new Uint8Array([7]), ["fresh"], 0, { versions: attempt.versions, leaseId: undefined });
    expect(stored).to.equal(true);
  });
});
