import type { CallOptions } from "./call-options.js";
import type { Duration } from "./duration.js";
import type { Serializer } from "./serializers.js";

/** A cache entry as read. */
export interface Entry {
  /** The stored bytes. */
  readonly value: Uint8Array;
  /** The tags the entry was stored with, sorted. */
  readonly tags: readonly string[];
  /** Remaining lifetime in ms; undefined when it never expires. */
  readonly ttlMs: number | undefined;
  /**
   * Set only on a stale value, read with `graceMs`: how long ago (ms) it
   * expired or was invalidated.
   */
  readonly staleMs?: number;
}

/** A lookup: a key, and optionally the exact tag set the entry must have. */
export interface Lookup {
  /** The key to read. */
  key: string;
  /** The exact tag set the entry must have; absent: any. */
  tags?: readonly string[];
}

/** Options of a read. */
export interface GetOptions extends CallOptions {
  /** The exact tag set the entry must have; absent: any. */
  tags?: readonly string[];
  /**
   * Accept a value that expired or was invalidated no more than this long
   * ago (ms or a duration), marked with `staleMs`; only entries stored with
   * a grace period keep one. Absent: never a stale value.
   */
  graceMs?: Duration;
}

/**
 * A lease on a miss: `true` for the server's defaults, or its lifetime
 * (how long it holds if its holder neither sets nor releases the key) and
 * how long to wait for another holder's value, in ms or as durations.
 */
export type LeaseOption =
  | boolean
  | {
      /** How long the lease holds; absent: the server's default. */
      lifetimeMs?: Duration;
      /** How long to wait for another holder's value; absent: the server's default; 0: no wait. */
      waitMs?: Duration;
    };

/** Options of read(). */
export interface ReadOptions extends GetOptions {
  /** Ask for the key's lease on a miss (and wait for another holder's value). */
  lease?: LeaseOption;
}

/** The full outcome of a read. */
export interface ReadResult {
  /** The entry on a hit. */
  readonly entry: Entry | undefined;
  /** On a miss: the versions seen; give it to set() to refuse a stale value. */
  readonly versionToken: Uint8Array | undefined;
  /**
   * On a miss with a lease asked for, or a stale value read with grace and a
   * lease: set when this caller holds the lease (and should refresh the key).
   */
  readonly leaseToken: Uint8Array | undefined;
  /** Lifetime of the lease granted, in ms. */
  readonly leaseLifetimeMs: number | undefined;
  /** True when the call waited for another caller's lease. */
  readonly waited: boolean;
}

/** Options of a write. */
export interface SetOptions extends CallOptions {
  /** Tags of the entry; order and duplicates do not matter. */
  tags?: readonly string[];
  /** Lifetime in ms or as a duration ("5m"); absent: the server's default; 0: no expiry. */
  lifetimeMs?: Duration;
  /**
   * Keep the entry this long (ms or a duration) past its lifetime and past
   * an invalidation, for reads with `graceMs`.
   */
  graceMs?: Duration;
  /** From a read that missed: refuse the write if a tag was invalidated since. */
  versionToken?: Uint8Array;
  /** From a read that got the lease: checks the versions too, and ends the lease. */
  leaseToken?: Uint8Array;
}

/** One entry of setMany(). */
export interface SetManyItem {
  /** The key to store under. */
  key: string;
  /** The bytes to store. */
  value: Uint8Array;
  /** Tags of the entry. */
  tags?: readonly string[];
  /** Lifetime in ms or as a duration; absent: the server's default; 0: no expiry. */
  lifetimeMs?: Duration;
}

/** Options of getValue(). */
export interface GetValueOptions extends GetOptions {
  /** Serializer of this call; default the client's. */
  serializer?: Serializer;
}

/** Options of setValue(). */
export interface SetValueOptions extends SetOptions {
  /** Serializer of this call; default the client's. */
  serializer?: Serializer;
}
