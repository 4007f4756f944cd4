import calculateSlot from "cluster-key-slot";
import { expect } from "chai";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { startTestServer, type TestServer } from "../helpers/app.js";
import { expectSurvives } from "../helpers/recovery.js";
import { RedisCluster } from "../helpers/redis-cluster.js";
import { ask, waitFor } from "../helpers/redis-server.js";

// The slot of the versions of namespace "fo" (see docs/design/storage.md, Keys).
const VERSIONS_SLOT = calculateSlot("{2:fo}");

describe("Redis Cluster failover during a workload", function () {
  this.timeout(120_000);
  let cluster: RedisCluster;
  let server: TestServer;
  let client: TaggedCacheClient;

  before(async () => {
    cluster = await RedisCluster.start();
    server = await startTestServer({ REDIS_CLUSTER_NODES: cluster.nodesVariable, REDIS_COMMAND_TIMEOUT_MS: "500" });
    client = server.client("fo");
  });
  after(async () => {
    await server?.stop();
    await cluster?.stop();
  });

  // The model checker's histories reuse their namespaces from run to run.
  const workloadAround = async (disturb: () => Promise<void>) => {
    await cluster.flush();
    await expectSurvives(server, client, disturb, () => cluster.waitUntilHealthy());
  };

  it("survives the master of the namespace's versions being killed and coming back as a replica", async () => {
    const { master, replica } = await cluster.shardOf(VERSIONS_SLOT);
    await workloadAround(async () => {
      await master.kill();
      // Back only once its replica took over, so it returns as a replica.
      await waitFor(async () => (await ask(replica, (r) => r.info("replication")))?.includes("role:master") ?? false,
        30_000, "the replica to take over");
      await master.launch();
    });
    expect((await cluster.shardOf(VERSIONS_SLOT)).master).to.equal(replica);
  });

  it("survives a forced CLUSTER FAILOVER", async () => {
    const { replica } = await cluster.shardOf(VERSIONS_SLOT);
    await workloadAround(async () => {
      await ask(replica, (r) => r.cluster("FAILOVER", "FORCE"));
    });
    expect((await cluster.shardOf(VERSIONS_SLOT)).master).to.equal(replica);
  });
});
