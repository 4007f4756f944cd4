/**
 * The storage contract the cache core relies on. Every implementation runs the
 * same contract suite (test/contract). Arguments arrive validated and
 * normalized by the core: namespaces non-empty, tag lists sorted and free of
 * duplicates, lifetimes in milliseconds within limits.
 *
 * Leases and version tokens added two things, both optional for a store:
 * lookups may answer a Miss carrying the versions they saw (plain undefined
 * still means a miss, without a version token), and `leases` offers the
 * LeaseStore operations. A store without them works as before; the core
 * refuses what it cannot honour instead of skipping a check.
 */

import type { LeaseStore } from "./lease-store.js";

/** A valid entry found by a lookup. */
export interface Hit {
  /** The stored bytes; callers must not modify them. */
  readonly value: Uint8Array;
  /** The entry's tags, sorted. */
  readonly tags: readonly string[];
  /** Remaining lifetime in milliseconds, or -1 when the entry never expires. */
  readonly ttlMs: number;
}

/** The versions a lookup saw: what a version token carries. */
export interface Versions {
  /** The namespace's version; undefined when it had none. */
  readonly ns: Uint8Array | undefined;
  /** The tags covered, sorted. */
  readonly tags: readonly string[];
  /** One per tag, in order: its version, undefined when it had none. */
  readonly tagVersions: readonly (Uint8Array | undefined)[];
}

/**
 * A miss that reports the versions of the namespace and of the lookup's tags
 * at the time of the miss. Stores may return plain `undefined` instead (a
 * miss without a version token).
 */
export interface Miss {
  readonly hit: false;
  readonly versions: Versions;
}

/** What a lookup finds: a hit, or a miss with or without versions. */
export type LookupResult = Hit | Miss | undefined;

/** True for a hit; narrows away both kinds of miss. */
export function isHit(r: LookupResult): r is Hit {
  return r !== undefined && (r as Miss).hit !== false;
}

/** One lookup of a batch. */
export interface Lookup {
  readonly key: string;
  /** Empty: any tag set. Otherwise the exact tag set the entry must have. */
  readonly tags: readonly string[];
}

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
   */
  getMany(namespace: string, lookups: readonly Lookup[]): Promise<LookupResult[]>;

  /** Like getMany for a single lookup. */
  get(namespace: string, key: string, tags: readonly string[]): Promise<LookupResult>;

  /**
   * Stores an entry under the current versions of its tags, creating missing
   * versions without ever overwriting an existing one. `lifetimeMs` 0 means
   * no expiry.
   */
  set(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: readonly string[],
    lifetimeMs: number,
  ): Promise<void>;

  /** Removes an entry; true when one was there. */
  delete(namespace: string, key: string): Promise<boolean>;

  /** Gives each tag a new version, so entries stored under the old one miss. */
  invalidate(namespace: string, tags: readonly string[]): Promise<void>;

  /** Gives the namespace a new version, so all its entries miss. */
  invalidateAll(namespace: string): Promise<void>;

  /** Registers a listener for connection state changes. */
  onStateChange(listener: (state: StoreState) => void): void;

  /** Resolves true once reachable, or false after `timeoutMs`. */
  waitUntilReady(timeoutMs: number): Promise<boolean>;

  /** Current connection state. */
  readonly state: StoreState;

  /**
   * Leases and guarded Sets (see lease-store.ts). Optional: without it,
   * Gets asking for a lease and Sets presenting a token fail with
   * FAILED_PRECONDITION rather than silently skip the check.
   */
  readonly leases?: LeaseStore;

  /** Releases connections and timers. */
  close(): Promise<void>;
}
