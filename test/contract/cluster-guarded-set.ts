import { expect } from "chai";
import { Cluster } from "ioredis";
import { isHit, type Miss } from "../../server/src/core/lookup.js";
import { ClusterLeases } from "../../server/src/store/redis-cluster/cluster-leases.js";
import { ClusterStore } from "../../server/src/store/redis-cluster/cluster-store.js";
import { KeyScheme } from "../../server/src/store/keys.js";
import { LeaseNotices } from "../../server/src/store/redis/lease-notices.js";
import { RandomVersions } from "../../server/src/store/redis/random-versions.js";
import { defineScripts } from "../../server/src/store/redis/scripts.js";
import { bytes } from "../helpers/app.js";
import type { RedisCluster } from "../helpers/redis-cluster.js";

/**
 * A guarded Set on Cluster checks versions on one slot and writes the entry
 * on another; these tests put an Invalidate between the two steps and show
 * that the entry it writes misses.
 */
export function guardedSetSteps(cluster: () => RedisCluster): void {
  describe("a Set with a version token, invalidated between its two steps", () => {
    let store: ClusterStore;
    let redis: Cluster;
    let notices: LeaseNotices;
    // Runs before the second step (the entry's write).
    let between: () => Promise<void>;

    before(async () => {
      const nodes = cluster().servers.map((s) => ({ host: "127.0.0.1", port: s.port }));
      const common = { keyPrefix: "tc", tagLifetimeMs: 60_000, commandTimeoutMs: 1000, connectTimeoutMs: 1000 };
      store = new ClusterStore({ ...common, nodes, durability: { waitReplicas: 0, waitMs: 0 } });
      expect(await store.waitUntilReady(5000)).to.equal(true);
      redis = new Cluster(nodes);
      defineScripts(redis);
      const intercepted = new Proxy(redis, {
        get(target, prop) {
          if (prop === "tcStoreEntry") {
            return async (...args: Parameters<Cluster["tcStoreEntry"]>) => {
              await between();
              return target.tcStoreEntry(...args);
            };
          }
          const v = Reflect.get(target, prop, target) as unknown;
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      notices = new LeaseNotices(() => redis.duplicate());
      const leases = new ClusterLeases(intercepted, new KeyScheme("tc"), new RandomVersions(), 60_000, notices, { waitReplicas: 0, waitMs: 0 });
      setGuarded = (key, versions) => leases.setGuarded("ns", key, bytes("v"), ["t"], 0, { versions, leaseId: undefined });
    });
    after(async () => {
      notices?.close();
      redis?.disconnect();
      await store?.close();
    });
    beforeEach(async () => {
      await cluster().flush();
      // Versions exist before the miss: a token that saw none is refused outright.
      await store.set("ns", "seed", bytes("x"), ["t"], 0);
    });

    let setGuarded: (key: string, versions: Miss["versions"]) => Promise<boolean>;
    const miss = async (key: string) => (await store.get("ns", key, ["t"])) as Miss;

    it("stores an entry that hits when nothing happens in between", async () => {
      between = async () => {};
      expect(await setGuarded("k", (await miss("k")).versions)).to.equal(true);
      expect(isHit(await store.get("ns", "k", ["t"]))).to.equal(true);
    });

    it("stores an entry that misses when the tag is invalidated in between", async () => {
      between = () => store.invalidate("ns", ["t"]);
      expect(await setGuarded("k", (await miss("k")).versions)).to.equal(true);
      expect(isHit(await store.get("ns", "k", ["t"]))).to.equal(false);
    });

    it("stores an entry that misses when the namespace is invalidated in between", async () => {
      between = () => store.invalidateAll("ns");
      expect(await setGuarded("k", (await miss("k")).versions)).to.equal(true);
      expect(isHit(await store.get("ns", "k", ["t"]))).to.equal(false);
    });
  });
}
