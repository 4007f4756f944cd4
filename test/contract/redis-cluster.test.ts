import { RedisCluster } from "../helpers/redis-cluster.js";
import { startTestServer } from "../helpers/app.js";
import { cacheContract } from "./cache-contract.js";

let cluster: RedisCluster | undefined;

cacheContract("Redis Cluster store (3 masters, 3 replicas)", {
  start: async () => {
    cluster = await RedisCluster.start();
    const server = await startTestServer({ REDIS_CLUSTER_NODES: cluster.nodesVariable, MAX_BATCH_KEYS: "100" });
    return { ...server, stop: async () => { await server.stop(); await cluster?.stop(); } };
  },
  flush: async () => cluster!.flush(),
});
