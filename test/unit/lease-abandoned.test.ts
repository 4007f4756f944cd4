import { expect } from "chai";
import type { LeaseStore } from "../../server/src/core/lease-store.js";
import { LeaseWaiters } from "../../server/src/core/lease-waiters.js";
import { leasedGet, type LeaseRequest } from "../../server/src/core/leases.js";
import { MemoryStore } from "../../server/src/store/memory/memory-store.js";

// Issue 11, fault 2, in the core: what a leased Get does when its caller
// goes away while the store is answering.

const RECHECK_MS = 250;

function request(waitMs: number, signal?: AbortSignal): LeaseRequest {
  return { leaseMs: 60_000, waitMs, deadline: Infinity, signal };
}

// The embedded store's leases, with the caller going away while `acquire`
// runs: as when a client cancels during the script call.
function cancelledDuringAcquire(leases: LeaseStore, abort: AbortController): LeaseStore {
  return {
    acquire: async (...args) => {
      const attempt = await leases.acquire(...args);
      abort.abort();
      return attempt;
    },
    setGuarded: (...args) => leases.setGuarded(...args),
    release: (...args) => leases.release(...args),
    watch: (...args) => leases.watch(...args),
    createVersions: (...args) => leases.createVersions(...args),
  };
}

describe("a leased Get whose caller has gone (core)", () => {
  let store: MemoryStore;
  beforeEach(() => {
    store = new MemoryStore({ tagLifetimeMs: 60_000, maxEntries: 100, maxBytes: 1 << 20 });
  });
  afterEach(() => store.close());

  it("releases a lease granted to a caller that has gone, so the next caller gets it", async () => {
    const abort = new AbortController();
    const waiters = new LeaseWaiters(10);
    const gone = await leasedGet(cancelledDuringAcquire(store.leases, abort), "ns", "k", [], request(0, abort.signal), RECHECK_MS, waiters);
    expect(gone.leaseId, "lease handed to a caller that has gone").to.equal(undefined);
    const next = await leasedGet(store.leases, "ns", "k", [], request(0), RECHECK_MS, waiters);
    expect(next.leaseId, "the next caller's lease").to.not.equal(undefined);
  });

  it("ends a wait as soon as the caller goes, and gives its place back", async () => {
    const waiters = new LeaseWaiters(1);
    await leasedGet(store.leases, "ns", "k", [], request(0), RECHECK_MS, waiters);
    const abort = new AbortController();
    const started = Date.now();
    const waiting = leasedGet(store.leases, "ns", "k", [], request(60_000, abort.signal), RECHECK_MS, waiters);
    for (let i = 0; waiters.count === 0 && i < 100_000; i++) await new Promise((r) => setImmediate(r));
    abort.abort();
    const result = await waiting;
    expect(Date.now() - started, "ms the abandoned wait lasted").to.be.below(5000);
    expect(result.leaseId).to.equal(undefined);
    expect(waiters.count).to.equal(0);
  });
});
