import type { Serializer } from "./serializers.js";

/** A cache entry as read. */
export interface Entry {
  readonly value: Uint8Array;
  /** The tags the entry was stored with, sorted. */
  readonly tags: readonly string[];
  /** Remaining lifetime in ms; undefined when it never expires. */
  readonly ttlMs: number | undefined;
}

/** A lookup: a key, and optionally the exact tag set the entry must have. */
export interface Lookup {
  key: string;
  tags?: string[];
}

/** Options of a read. */
export interface GetOptions {
  /** The exact tag set the entry must have; absent: any. */
  tags?: string[];
}

/** A lease on a miss: `true` for the server's defaults. */
export type LeaseOption = boolean | { lifetimeMs?: number; waitMs?: number };

/** Options of read(). */
export interface ReadOptions extends GetOptions {
  /** Ask for the key's lease on a miss (and wait for another holder's value). */
  lease?: LeaseOption;
  /** Deadline of this call in ms, instead of the client's. */
  deadlineMs?: number;
}

/** The full outcome of a read. */
export interface ReadResult {
  /** The entry on a hit. */
  readonly entry: Entry | undefined;
  /** On a miss: the versions seen; give it to set() to refuse a stale value. */
  readonly versionToken: Uint8Array | undefined;
  /** On a miss with a lease asked for: set when this caller holds the lease. */
  readonly leaseToken: Uint8Array | undefined;
  /** Lifetime of the lease granted, in ms. */
  readonly leaseLifetimeMs: number | undefined;
  /** True when the call waited for another caller's lease. */
  readonly waited: boolean;
}

/** Options of a write. */
export interface SetOptions {
  tags?: string[];
  /** Lifetime in ms; absent: the server's default; 0: no expiry. */
  lifetimeMs?: number;
  /** From a read that missed: refuse the write if a tag was invalidated since. */
  versionToken?: Uint8Array;
  /** From a read that got the lease: checks the versions too, and ends the lease. */
  leaseToken?: Uint8Array;
}

/** Options of getValue(). */
export interface GetValueOptions extends GetOptions {
  serializer?: Serializer;
}

/** Options of setValue(). */
export interface SetValueOptions extends SetOptions {
  serializer?: Serializer;
}
