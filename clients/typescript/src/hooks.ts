import type { NearCacheEvent } from "./near-cache.js";

/**
 * What the high level reports about each call, as the original library's
 * CacheInfo did.
 */
export interface CacheInfo {
  /** The cache key used. */
  readonly key: string;
  /** The tags of the entry. */
  readonly tags: readonly string[];
  /** True when the value came from the cache. */
  readonly hit: boolean;
  /** True when the cache's value was stale, served with grace (see StoreOptions.graceMs). */
  readonly stale: boolean;
  /** Time of the whole call, in ms. */
  readonly elapsedMs: number;
  /** Time spent in the cached function, in ms (0 on a hit). */
  readonly fnMs: number;
  /** Time spent waiting for another caller's lease, in ms (0 without waiting). */
  readonly leaseWaitMs: number;
  /** Size of the serialized value, in bytes (undefined when there was none). */
  readonly size: number | undefined;
  /** On a miss: true when the result was cached, false when not (refused, unserializable, error). */
  readonly stored: boolean | undefined;
  /** The userData given in the options. */
  readonly userData: unknown;
}

/** Callbacks of the high level. A hook that throws is logged and ignored. */
export interface Hooks {
  /** The value came from the cache. */
  onHit?(info: CacheInfo): void;
  /** The value was computed (and stored, if `info.stored`). */
  onMiss?(info: CacheInfo): void;
  /** The cache failed; the call went on as a miss. `info` is what was known then. */
  onError?(error: unknown, info: CacheInfo): void;
  /** The near-cache served a read, missed, evicted or dropped entries (see NearCacheEvent). */
  onNearCache?(event: NearCacheEvent): void;
}

/** Where warnings go: failing caches and failing hooks. */
export interface Logger {
  /** A failure the call survived, with its error. */
  warn(message: string, error?: unknown): void;
}

/** Runs a hook; a hook that throws is reported to the logger, never to the caller. */
export function runHook(logger: Logger | undefined, name: string, hook: (() => void) | undefined): void {
  if (hook === undefined) return;
  try {
    hook();
  } catch (err) {
    logger?.warn(`TaggedCache: the ${name} hook threw; ignored`, err);
  }
}
