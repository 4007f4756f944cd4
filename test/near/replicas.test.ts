import { expect } from "chai";
import { bytes, startTestServer, text, type TestServer } from "../helpers/app.js";
import { staleAfterInvalidates, until, warm } from "./near-helpers.js";
import { checkNearHistories } from "./near-model.js";
import { killPubsubConnections, REPLICA_STORES, type ReplicaStore } from "./replica-stores.js";

const ROUNDS = 1000;
const MODEL_RUNS = 40;
const LEASE_MS = 1000;

// Two server replicas on one Redis: near-caching readers on A, writers on B.
// Once B's write has returned, no read on A returns what it replaced.
for (const [name, open] of REPLICA_STORES) {
  describe(`near-cache across server replicas: ${name}`, function () {
    this.timeout(120_000);
    let store: ReplicaStore;
    let a: TestServer;
    let b: TestServer;
    const fresh = (what: string) => `${what}-${Math.random().toString(36).slice(2)}`;
    before(async () => {
      store = await open();
      // Defaults otherwise: NEAR_CACHE=auto turns Watch on with every store.
      const env = { ...store.env, NEAR_LEASE_MS: String(LEASE_MS) };
      a = await startTestServer(env);
      b = await startTestServer(env);
    });
    after(async () => {
      await a?.stop();
      await b?.stop();
      await store?.stop();
    });

    it(`misses on A right after B's Invalidate returns, ${ROUNDS} times in a row`, async () => {
      const ns = fresh("ri");
      const near = a.client(ns, { nearCache: { maxBytes: 16 << 20 }, timeoutMs: 30_000 });
      const writer = b.client(ns, { timeoutMs: 30_000 });
      const stale = await staleAfterInvalidates(near, ROUNDS, (tag) => writer.invalidate(tag));
      expect(stale).to.equal(0);
    });

    it("reads B's Set on A right after it returns, never the near copy it replaced", async () => {
      const ns = fresh("rs");
      const near = a.client(ns, { nearCache: { maxBytes: 1 << 20 } });
      const writer = b.client(ns);
      await writer.set("k", bytes("v0"));
      for (let i = 1; i <= 200; i++) {
        await warm(near, "k");
        await writer.set("k", bytes(`v${i}`));
        expect(text(await near.get("k"))).to.equal(`v${i}`);
      }
    });

    it("drops A's subscribers when its pub/sub connection breaks; no stale read after", async () => {
      const ns = fresh("rk");
      const near = a.client(ns, { nearCache: { maxBytes: 1 << 20 } });
      const writer = b.client(ns);
      await writer.set("k", bytes("old"));
      await warm(near, "k");
      expect(near.nearCacheStats!.entries).to.be.greaterThan(0);
      expect(await killPubsubConnections(store)).to.be.greaterThan(0);
      // The stream ends: the client empties its near-cache.
      await until(() => near.nearCacheStats!.entries === 0);
      await writer.set("k", bytes("new"));
      expect(text(await near.get("k"))).to.equal("new");
      // A subscribes again: near hits resume, and still follow B's writes.
      expect(text(await warm(near, "k"))).to.equal("new");
      await writer.set("k", bytes("newer"));
      expect(text(await near.get("k"))).to.equal("newer");
    });

    it(`serves no stale value over ${MODEL_RUNS} random histories, readers on A, writers on B`, () =>
      checkNearHistories({
        readerAddress: a.address, writerAddress: b.address, prefix: fresh("rm"), runs: MODEL_RUNS, seedName: `near replicas model check, ${name}`,
      }));
  });
}
