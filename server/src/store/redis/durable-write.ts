import type { ChainableCommander, Cluster, Redis } from "ioredis";
import { StoreUnavailableError } from "../../core/errors.js";

/** How an acknowledged write is made to survive a failover. */
export interface Durability {
  /**
   * Replicas that must hold a write before it returns (Redis WAIT); 0 does
   * not wait. Replication is asynchronous: a write held only by the old
   * primary is lost with it, and the promoted replica serves what the write
   * replaced (an invalidated entry, a value overwritten or deleted).
   */
  readonly waitReplicas: number;
  /** How long WAIT may block, in ms. */
  readonly waitMs: number;
}

/**
 * Runs one write and returns its reply. When `durability` asks for replicas,
 * the write is queued with `queue` in a pipeline followed by WAIT on the same
 * node (one round trip plus the replication), and fails as unavailable when
 * too few replicas confirm: the write is then in place on the primary but may
 * not survive a failover, so the caller must treat it as of unknown outcome.
 * Without replicas it runs `direct`, one plain command. `what` names the
 * write in the error.
 */
export async function writeDurably<T>(
  redis: Redis | Cluster,
  durability: Durability,
  what: string,
  direct: () => Promise<T>,
  queue: (pipeline: ChainableCommander) => ChainableCommander,
): Promise<T> {
  if (durability.waitReplicas === 0) return direct();
  const replies = await queue(redis.pipeline()).wait(durability.waitReplicas, durability.waitMs).exec();
  for (const [err] of replies ?? []) if (err) throw err;
  const acked = replies?.[1]?.[1] as number | undefined;
  if (acked === undefined || acked < durability.waitReplicas) {
    throw new StoreUnavailableError(`${what} confirmed by ${acked ?? 0} of ${durability.waitReplicas} replicas; retry`);
  }
  return replies![0]![1] as T;
}
