/**
 * The storage contract the cache core relies on. Every implementation runs the
 * same contract suite (test/contract). Arguments arrive validated and
 * normalized by the core: namespaces non-empty, tag lists sorted and free of
 * duplicates, lifetimes in milliseconds within limits.
 *
 * Lookups may answer a Miss carrying the versions they saw (plain undefined
 * still means a miss, without a version token), and `leases` offers the
 * LeaseStore operations that leases and version tokens rest on.
 */

import type { LeaseStore } from "./lease-store.js";
import type { Lookup, LookupResult } from "./lookup.js";
import type { RelayListener, WatchRelay } from "./watch-relay.js";

/** Connection state a store reports, for health checks and logs. */
export type StoreState = "ready" | "unavailable";

export interface Store {
  /** A short name for logs: "redis" or "memory". */
  readonly kind: string;

  /**
   * Looks up entries of one namespace; one result per lookup, in order:
   * the hit, or undefined on a miss. An entry misses when it is absent,
   * expired, when any of its tags (or the namespace) was invalidated after it
   * was stored, when a tag version it depends on is gone, or when `tags` is
   * given and differs from the entry's tag set.
   *
   * `maxBytes` bounds the bytes of values one call returns: the results stop
   * before the first hit that would pass it (never before the first
   * lookup), and the caller asks again for the rest. Each result is checked
   * and read together, as a lone Get would be.
   *
   * With `graceMs` > 0, an entry stored with a grace period that expired or
   * was invalidated no more than `graceMs` ago is returned as a hit with
   * `staleMs` set; it must have been current within that time. Without
   * grace no stale value is ever returned.
   */
  getMany(namespace: string, lookups: readonly Lookup[], maxBytes?: number, graceMs?: number): Promise<LookupResult[]>;

  /** Like getMany for a single lookup. */
  get(namespace: string, key: string, tags: readonly string[], graceMs?: number): Promise<LookupResult>;

  /**
   * Stores an entry under the current versions of its tags, creating missing
   * versions without ever overwriting an existing one. `lifetimeMs` 0 means
   * no expiry. With `graceMs` > 0 the entry is kept that much past its
   * lifetime (and past an invalidation) to serve Gets with grace.
   */
  set(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: readonly string[],
    lifetimeMs: number,
    graceMs?: number,
  ): Promise<void>;

  /** Removes an entry; true when one was there. */
  delete(namespace: string, key: string): Promise<boolean>;

  /** Gives each tag a new version, so entries stored under the old one miss. */
  invalidate(namespace: string, tags: readonly string[]): Promise<void>;

  /** Gives the namespace a new version, so all its entries miss. */
  invalidateAll(namespace: string): Promise<void>;

  /** Registers a listener for connection state changes. */
  onStateChange(listener: (state: StoreState) => void): void;

  /**
   * Registers a listener for the errors of the store's connections, each
   * distinct one once until the store is ready again: what to log as the
   * cause while it is unreachable. Stores without connections leave it out.
   */
  onConnectionError?(listener: (err: Error) => void): void;

  /** Resolves true once reachable, or false after `timeoutMs`. */
  waitUntilReady(timeoutMs: number): Promise<boolean>;

  /** Current connection state. */
  readonly state: StoreState;

  /** Leases and guarded Sets (see lease-store.ts). */
  readonly leases: LeaseStore;

  /**
   * The near-cache relay to the other servers sharing this store, telling
   * `listener` of their changes; stores no other server can write to (the
   * embedded one) leave it out.
   */
  openWatchRelay?(leaseMs: number, listener: RelayListener): WatchRelay;

  /** Releases connections and timers. */
  close(): Promise<void>;
}
