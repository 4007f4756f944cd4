import { RedisCluster } from "../helpers/redis-cluster.js";
import { PRIMARY_NAME, RedisSentinelSetup } from "../helpers/redis-sentinel.js";
import { ask, RedisServer, sharedRedis } from "../helpers/redis-server.js";

/** A Redis deployment several server replicas share, started for a suite. */
export interface ReplicaStore {
  /** The server settings that reach it. */
  readonly env: Record<string, string>;
  /** Every data node (where subscriber connections may be). */
  readonly nodes: readonly RedisServer[];
  stop(): Promise<void>;
}

/** Standalone Redis, Sentinel and Cluster, each started on free ports by the harness. */
export const REPLICA_STORES: readonly (readonly [string, () => Promise<ReplicaStore>])[] = [
  ["standalone Redis", async () => {
    const redis = await sharedRedis();
    return { env: { REDIS_URL: redis.url }, nodes: [redis], stop: async () => {} };
  }],
  ["Redis under Sentinel", async () => {
    const setup = await RedisSentinelSetup.start();
    return {
      env: { REDIS_SENTINELS: setup.sentinelsVariable, REDIS_SENTINEL_NAME: PRIMARY_NAME },
      nodes: setup.servers,
      stop: () => setup.stop(),
    };
  }],
  ["Redis Cluster", async () => {
    const cluster = await RedisCluster.start();
    return { env: { REDIS_CLUSTER_NODES: cluster.nodesVariable }, nodes: cluster.servers, stop: () => cluster.stop() };
  }],
];

/** Breaks every pub/sub connection to the store's nodes, as a network fault would. */
export async function killPubsubConnections(store: ReplicaStore): Promise<number> {
  let killed = 0;
  for (const node of store.nodes) killed += Number((await ask(node, (r) => r.client("KILL", "TYPE", "pubsub"))) ?? 0);
  return killed;
}
