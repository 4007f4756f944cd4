import type { Config } from "../config.js";
import type { Store } from "../core/store.js";
import { MemoryStore } from "./memory/memory-store.js";
import { RedisStore } from "./redis/redis-store.js";

/** Opens the store the configuration asks for: Redis with a URL, else memory. */
export function openStore(config: Config): Store {
  if (config.redisUrl === undefined) {
    return new MemoryStore({ tagLifetimeMs: config.tagLifetimeMs, maxEntries: config.memoryMaxEntries });
  }
  return new RedisStore({
    url: config.redisUrl,
    keyPrefix: config.keyPrefix,
    tagLifetimeMs: config.tagLifetimeMs,
    commandTimeoutMs: config.redisCommandTimeoutMs,
    connectTimeoutMs: config.redisConnectTimeoutMs,
  });
}
