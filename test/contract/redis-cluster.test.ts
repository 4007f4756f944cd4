import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { TaggedCacheError } from "../../clients/typescript/src/index.js";
import { RedisCluster } from "../helpers/redis-cluster.js";
import { startTestServer } from "../helpers/app.js";
import { cacheContract } from "./cache-contract.js";

describe("Redis Cluster (3 masters, 3 replicas)", () => {
  let cluster: RedisCluster;
  before(async () => {
    cluster = await RedisCluster.start();
  });
  after(async () => cluster?.stop());

  cacheContract("Redis Cluster store", {
    start: () => startTestServer({ REDIS_CLUSTER_NODES: cluster.nodesVariable, MAX_BATCH_KEYS: "100" }),
    flush: () => cluster.flush(),
  });

  it("refuses leases clearly (FAILED_PRECONDITION): the Cluster store offers none yet", async () => {
    const server = await startTestServer({ REDIS_CLUSTER_NODES: cluster.nodesVariable });
    try {
      const err = await server.client().read("k", { lease: true }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(TaggedCacheError);
      expect((err as TaggedCacheError).code).to.equal(status.FAILED_PRECONDITION);
    } finally {
      await server.stop();
    }
  });
});
