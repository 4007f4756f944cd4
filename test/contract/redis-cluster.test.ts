import { expect } from "chai";
import { RedisCluster } from "../helpers/redis-cluster.js";
import { bytes, sleep, startTestServer, text, type TestServer } from "../helpers/app.js";
import { ask } from "../helpers/redis-server.js";
import { cacheContract, versionKey, type ContractTarget } from "./cache-contract.js";
import { guardedSetSteps } from "./cluster-guarded-set.js";
import { getManyBudgetContract, SMALL_BUDGET } from "./get-many-budget.js";
import { leaseContract } from "./lease-contract.js";

describe("Redis Cluster (3 masters, 3 replicas)", () => {
  let cluster: RedisCluster;
  before(async () => {
    cluster = await RedisCluster.start();
  });
  after(async () => cluster?.stop());

  const target: ContractTarget = {
    start: () => startTestServer({ REDIS_CLUSTER_NODES: cluster.nodesVariable, MAX_BATCH_KEYS: "100" }),
    flush: () => cluster.flush(),
    // Only the master of the key's slot deletes it; the others refuse (MOVED).
    evictVersion: async (server, namespace, tag) => {
      for (const node of await cluster.nodes()) {
        if (node.role === "master") await ask(node.server, (r) => r.del(versionKey(server, namespace, tag)));
      }
    },
  };
  cacheContract("Redis Cluster store", target);
  leaseContract("Redis Cluster store", target);
  getManyBudgetContract("Redis Cluster store", {
    ...target,
    start: () => startTestServer({ REDIS_CLUSTER_NODES: cluster.nodesVariable, ...SMALL_BUDGET }),
  });
  guardedSetSteps(() => cluster);

  describe("leases across servers", () => {
    let servers: TestServer[] = [];
    beforeEach(async () => {
      await cluster.flush();
      // Waiters re-check only after a minute or at the lease's end (10 s),
      // beyond the test's timeout: they must be woken by notices, which
      // travel from the shard of the key to the subscriber's node.
      const start = () => startTestServer({ REDIS_CLUSTER_NODES: cluster.nodesVariable, LEASE_RECHECK_MS: "60000" });
      servers = await Promise.all([start(), start()]);
    });
    afterEach(async () => {
      await Promise.all(servers.map((s) => s.stop()));
    });

    it("hold against a stampede: 40 cold calls on two servers run the function once", async () => {
      let runs = 0;
      const loaders = servers.map((s) =>
        s.client().cached(
          async function loadItem(id: number) {
            runs++;
            await sleep(150);
            return { id };
          },
          { tags: ["leased"], lease: true },
        ),
      );
      // Keys in many slots, so leases, entries and notices use every master.
      for (const id of [1, 2, 3]) {
        runs = 0;
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => loaders[i % 2]!(id)));
        expect(runs).to.equal(1);
        expect(results.every((r) => r.id === id)).to.equal(true);
      }
    });

    it("are granted over a stale entry or one with other tags, and never return it", async () => {
      const c = servers[0]!.client();
      await c.set("k", bytes("old"), { tags: ["t"] });
      await c.invalidate("t");
      const overStale = await c.read("k", { tags: ["t"], lease: { waitMs: 0 } });
      expect(overStale.entry).to.equal(undefined);
      expect(overStale.leaseToken).to.be.instanceOf(Uint8Array);
      await c.set("j", bytes("other"), { tags: ["u"] });
      const overOther = await c.read("j", { tags: ["t"], lease: { waitMs: 0 } });
      expect(overOther.entry).to.equal(undefined);
      expect(overOther.leaseToken).to.be.instanceOf(Uint8Array);
      expect(text((await c.read("j", { tags: ["u"], lease: { waitMs: 0 } })).entry?.value)).to.equal("other");
    });

    it("refuse a stale Set after an invalidation, and the next caller computes again", async () => {
      const [a, b] = servers.map((s) => s.client());
      await a!.set("other", bytes("x"), { tags: ["t"] });
      const first = await a!.read("k", { tags: ["t"], lease: true });
      expect(first.leaseToken).to.be.instanceOf(Uint8Array);
      const plain = await b!.read("k", { tags: ["t"] });
      await b!.invalidate("t");
      expect(await a!.set("k", bytes("stale"), { tags: ["t"], leaseToken: first.leaseToken })).to.equal(false);
      expect(await b!.set("k", bytes("stale"), { tags: ["t"], versionToken: plain.versionToken })).to.equal(false);
      expect((await b!.read("k", { tags: ["t"] })).entry).to.equal(undefined);
      const next = await b!.read("k", { tags: ["t"], lease: { waitMs: 0 } });
      expect(next.leaseToken).to.be.instanceOf(Uint8Array);
      expect(await b!.set("k", bytes("fresh"), { tags: ["t"], leaseToken: next.leaseToken })).to.equal(true);
      expect(text((await a!.read("k", { tags: ["t"] })).entry?.value)).to.equal("fresh");
    });
  });
});
