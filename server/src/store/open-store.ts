import type { Config } from "../config.js";
import type { Store } from "../core/store.js";
import { MemoryStore } from "./memory/memory-store.js";
import { ClusterStore } from "./redis-cluster/cluster-store.js";
import { RedisStore, type RedisStoreOptions } from "./redis/redis-store.js";

/**
 * Opens the store the configuration asks for: Redis Cluster with seed nodes,
 * a Sentinel-managed primary with Sentinels, Redis with a URL, else memory.
 */
export function openStore(config: Config): Store {
  const options: RedisStoreOptions = {
    url: config.redisUrl,
    keyPrefix: config.keyPrefix,
    tagLifetimeMs: config.tagLifetimeMs,
    commandTimeoutMs: config.redisCommandTimeoutMs,
    connectTimeoutMs: config.redisConnectTimeoutMs,
  };
  // WAIT may take half the command timeout, leaving the rest for the reply.
  const durability = { waitReplicas: config.redisWaitReplicas, waitMs: Math.ceil(config.redisCommandTimeoutMs / 2) };
  if (config.redisClusterNodes !== undefined) {
    return new ClusterStore({ ...options, nodes: config.redisClusterNodes, durability });
  }
  if (config.redisSentinels !== undefined) {
    return new RedisStore({ ...options, durability }, {
      sentinels: config.redisSentinels.map((s) => ({ ...s })),
      name: config.redisSentinelName,
      sentinelRetryStrategy: (attempt) => Math.min(50 * attempt, 500),
      // After a failover the old primary turns replica and refuses writes:
      // reconnect, which asks the Sentinels for the new primary.
      reconnectOnError: (err) => err.message.startsWith("READONLY"),
      failoverDetector: true,
    });
  }
  if (config.redisUrl !== undefined) return new RedisStore(options);
  return new MemoryStore({ tagLifetimeMs: config.tagLifetimeMs, maxEntries: config.memoryMaxEntries, maxBytes: config.memoryMaxBytes });
}

/** Where the store is, for the start-up log; passwords never appear. */
export function storeLocation(config: Config): string {
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
