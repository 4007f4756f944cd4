import { ReplyError } from "ioredis";
import { CacheError, StoreFullError, StoreUnavailableError } from "../../core/errors.js";

// Replies that mean "Redis cannot serve this now, try again later". MOVED
// and ASK reach us only when a cluster's slots moved under a pipeline;
// UNBLOCKED when a primary waiting for its replica (WAIT) turned replica.
const TRANSIENT_REPLIES = /^(LOADING|BUSY|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|MOVED|ASK|UNBLOCKED)\b/;

/**
 * Turns what ioredis throws into a CacheError. Connection-level failures
 * (closed, refused, timed out, not yet connected) become "unavailable";
 * Redis out of memory becomes "resource_exhausted"; any other reply error is
 * a fault of ours and stays an internal error with its cause.
 */
export function fromRedisError(err: unknown): CacheError {
  if (err instanceof CacheError) return err;
  if (err instanceof ReplyError) {
    const message = (err as Error).message;
    if (message.startsWith("OOM")) return new StoreFullError("Redis is out of memory", err);
    if (TRANSIENT_REPLIES.test(message)) {
      return new StoreUnavailableError("Redis cannot serve requests right now", err);
    }
    return new CacheError("internal", "unexpected Redis reply", { cause: err });
  }
  return new StoreUnavailableError("Redis is unreachable", err);
}
