import calculateSlot from "cluster-key-slot";
import { expect } from "chai";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { sleep, startTestServer, type TestServer } from "../helpers/app.js";
import { expectSurvives } from "../helpers/recovery.js";
import { RedisCluster } from "../helpers/redis-cluster.js";
import { ask, type RedisServer } from "../helpers/redis-server.js";

// The slot of the versions of namespace "fo" (see docs/design.md, Keys).
const VERSIONS_SLOT = calculateSlot("{2:fo}");

/** The master serving a slot (as CLUSTER SLOTS says) and its replica (as it says). */
async function shardOf(cluster: RedisCluster, slot: number): Promise<{ master: RedisServer; replica: RedisServer }> {
  const byPort = (port: number) => cluster.servers.find((s) => s.port === port)!;
  for (const node of await cluster.nodes()) {
    const ranges = (await ask(node.server, (r) => r.cluster("SLOTS"))) as [number, number, [string, number]][] | undefined;
    const range = ranges?.find(([from, to]) => from <= slot && slot <= to);
    if (range === undefined) continue;
    const master = byPort(range[2][1]);
    const repl = await ask(master, (r) => r.info("replication"));
    const port = /slave0:ip=[^,]*,port=(\d+)/.exec(repl ?? "")?.[1];
    if (port !== undefined) return { master, replica: byPort(Number(port)) };
  }
  throw new Error(`no master with a replica serves slot ${slot}`);
}

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
    const { master, replica } = await shardOf(cluster, VERSIONS_SLOT);
    await workloadAround(async () => {
      await master.kill();
      await sleep(2500);
      await master.launch();
    });
    expect((await shardOf(cluster, VERSIONS_SLOT)).master).to.equal(replica);
  });

  it("survives a forced CLUSTER FAILOVER", async () => {
    const { replica } = await shardOf(cluster, VERSIONS_SLOT);
    await workloadAround(async () => {
      await ask(replica, (r) => r.cluster("FAILOVER", "FORCE"));
    });
    expect((await shardOf(cluster, VERSIONS_SLOT)).master).to.equal(replica);
  });
});
