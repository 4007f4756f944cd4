import type { Logger } from "pino";
import { CacheError } from "../core/errors.js";
import type { Metrics } from "../observability/metrics.js";
import type { Authorizer } from "./auth/authorizer.js";
import type { InFlight } from "./in-flight.js";
import { toStatus, type CallStatus } from "./status.js";

/** What every handler needs besides the cache. */
export interface HandlerContext {
  readonly log: Logger;
  readonly auth: Authorizer;
  readonly metrics: Metrics;
  readonly inFlight: InFlight;
}

/** The status of a failed call; counts failures caused by the store. */
export function failure(ctx: HandlerContext, err: unknown, rpc: string): CallStatus {
  if (err instanceof CacheError && err.code !== "invalid_argument") ctx.metrics.recordStoreError(err.code);
  return toStatus(err, ctx.log, rpc);
}

/** Limits of the transport itself. */
export interface TransportOptions {
  /** GetMany messages a stream may have unanswered before reading pauses. */
  readonly maxBatchesInFlight: number;
  /** GetMany keys a stream may have unanswered before reading pauses. */
  readonly maxKeysInFlight: number;
}
