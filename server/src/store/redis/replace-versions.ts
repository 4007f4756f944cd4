import type { Cluster, Redis } from "ioredis";
import type { RandomVersions } from "./random-versions.js";
import { fromRedisError } from "./redis-errors.js";
import { writeDurably, type Durability } from "./durable-write.js";

/**
 * Gives each key (all of one slot) a new random version with invalidate.lua,
 * then, if asked, waits in the same pipeline until replicas have it. Fails as
 * unavailable when too few replicas confirm: the new versions are in place on
 * the primary, and a retry simply writes newer ones.
 */
export async function replaceVersions(
  redis: Redis | Cluster,
  keys: readonly string[],
  lifetimeMs: number,
  versions: RandomVersions,
  durability: Durability,
): Promise<void> {
  const args: (string | number | Buffer)[] = [...keys, lifetimeMs];
  for (let i = 0; i < keys.length; i++) args.push(versions.take());
  try {
    await writeDurably(
      redis,
      durability,
      "invalidation",
      () => redis.tcInvalidate(keys.length, ...args),
      (p) => p.tcInvalidate(keys.length, ...args),
    );
  } catch (err) {
    throw fromRedisError(err);
  }
}
