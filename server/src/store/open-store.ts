import type { StoreConfig } from "../config.js";
import type { Store } from "../core/store.js";
import { retryDelayMs } from "./redis/connection-options.js";
import { checkRedisUrl } from "./redis/redis-url.js";
import { MemoryStore } from "./memory/memory-store.js";
import { ClusterStore } from "./redis-cluster/cluster-store.js";
import { RedisStore, type RedisStoreOptions } from "./redis-standalone/redis-store.js";

/**
 * Opens the store the configuration asks for: Redis Cluster with seed nodes,
 * a Sentinel-managed primary with Sentinels, Redis with a URL, else memory.
 */
export function openStore(config: StoreConfig): Store {
  const options: RedisStoreOptions = {
    url: config.redisUrl,
    keyPrefix: config.keyPrefix,
    tagLifetimeMs: config.tagLifetimeMs,
    commandTimeoutMs: config.redisCommandTimeoutMs,
    connectTimeoutMs: config.redisConnectTimeoutMs,
  };
  const durability = { waitReplicas: config.redisWaitReplicas, waitMs: config.redisWaitMs };
  if (config.redisClusterNodes !== undefined) {
    return new ClusterStore({ ...options, nodes: config.redisClusterNodes, durability });
  }
  if (config.redisSentinels !== undefined) {
    return new RedisStore({ ...options, durability }, {
      sentinels: config.redisSentinels.map((s) => ({ ...s })),
      name: config.redisSentinelName,
      sentinelRetryStrategy: retryDelayMs,
      // After a failover the old primary turns replica and refuses writes:
      // reconnect, which asks the Sentinels for the new primary.
      reconnectOnError: (err) => err.message.startsWith("READONLY"),
      failoverDetector: true,
    });
  }
  if (config.redisUrl !== undefined) {
    checkRedisUrl(config.redisUrl);
    return new RedisStore(options);
  }
  return new MemoryStore({ tagLifetimeMs: config.tagLifetimeMs, maxEntries: config.memoryMaxEntries, maxBytes: config.memoryMaxBytes });
}

/** Where the store is, for the start-up log; passwords never appear. */
export function storeLocation(config: StoreConfig): string {
  const list = (nodes: readonly { host: string; port: number }[]) => nodes.map((n) => `${n.host}:${n.port}`).join(",");
  if (config.redisClusterNodes !== undefined) return `cluster ${list(config.redisClusterNodes)}`;
  if (config.redisSentinels !== undefined) return `primary "${config.redisSentinelName}" of sentinels ${list(config.redisSentinels)}`;
  if (config.redisUrl !== undefined) return redactUrl(config.redisUrl);
  return "in this process";
}

/** A URL with its password masked, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}
