import type { Cluster, Redis } from "ioredis";
import { StoreUnavailableError } from "../../core/errors.js";
import type { RandomVersions } from "./random-versions.js";
import { fromRedisError } from "./redis-errors.js";

/** How an invalidation is made to survive a failover. */
export interface Durability {
  /**
   * Replicas that must hold the new versions before an invalidation returns
   * (Redis WAIT); 0 does not wait. With replicas and failover, a version
   * replaced only on the old primary would come back with the promoted
   * replica and make invalidated entries hit again.
   */
  readonly waitReplicas: number;
  /** How long WAIT may block, in ms. */
  readonly waitMs: number;
}

/**
 * Gives each key (all of one slot) a new random version with invalidate.lua,
 * recording in its history key (same slot) the version replaced and when,
 * then, if asked, waits in the same pipeline until replicas have it. Fails as
 * unavailable when too few replicas confirm: the new versions are in place on
 * the primary, and a retry simply writes newer ones.
 */
export async function replaceVersions(
  redis: Redis | Cluster,
  keys: readonly string[],
  historyKeys: readonly string[],
  lifetimeMs: number,
  versions: RandomVersions,
  durability: Durability,
): Promise<void> {
  const args: (string | number | Buffer)[] = [...keys, ...historyKeys, lifetimeMs];
  for (let i = 0; i < keys.length; i++) args.push(versions.take());
  try {
    if (durability.waitReplicas === 0) {
      await redis.tcInvalidate(2 * keys.length, ...args);
      return;
    }
    const replies = await redis
      .pipeline()
      .tcInvalidate(2 * keys.length, ...args)
      .wait(durability.waitReplicas, durability.waitMs)
      .exec();
    for (const [err] of replies ?? []) if (err) throw err;
    const acked = replies?.[1]?.[1] as number | undefined;
    if (acked === undefined || acked < durability.waitReplicas) {
      throw new StoreUnavailableError(
        `invalidation confirmed by ${acked ?? 0} of ${durability.waitReplicas} replicas; retry`,
      );
    }
  } catch (err) {
    throw fromRedisError(err);
  }
}
