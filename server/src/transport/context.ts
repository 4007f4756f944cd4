import type { Logger } from "pino";
import type { Limits } from "../core/limits.js";
import type { WatchHub } from "../core/watch-hub.js";
import type { Metrics } from "../observability/metrics.js";
import type { Authorizer } from "./auth/authorizer.js";
import type { InFlight } from "./in-flight.js";

/** What every handler needs besides the cache. */
export interface HandlerContext {
  readonly log: Logger;
  readonly auth: Authorizer;
  readonly metrics: Metrics;
  readonly inFlight: InFlight;
  /** The near-cache's subscribers, and the limits namespaces are checked with; undefined: Watch is off. */
  readonly watch?: { readonly hub: WatchHub; readonly limits: Limits };
}

/** Limits of the transport itself. */
export interface TransportOptions {
  /** GetMany messages a stream may have unanswered before reading pauses. */
  readonly maxBatchesInFlight: number;
  /** GetMany keys a stream may have unanswered before reading pauses. */
  readonly maxKeysInFlight: number;
  /** Bytes of values a stream may hold unsent before reading pauses. */
  readonly maxBytesInFlight: number;
}
