import { Sized } from "./byte-budget-lru.js";

/**
 * What the embedded store keeps, and the bytes each record is accounted for
 * against MEMORY_MAX_BYTES. A record counts its strings at two bytes per
 * UTF-16 unit (V8 uses one or two), its bytes, and a fixed overhead measured
 * on Node 20 x64 with the records' objects, arrays and Map slots (see
 * test/proof/fixtures/memory-growth.ts): the accounted total stays above the
 * heap the records take, so the budget bounds the process's memory.
 */

/** A version of a namespace or of a tag. */
export class Version extends Sized {
  constructor(
    readonly id: number,
    public expiresAt: number,
  ) {
    super();
  }
}

/** A stored value, with the versions it was stored under. */
export class Entry extends Sized {
  constructor(
    readonly namespace: string,
    readonly value: Uint8Array,
    readonly tags: readonly string[],
    readonly nsVersion: number,
    readonly tagVersions: readonly number[],
    readonly expiresAt: number,
  ) {
    super();
  }
}

/** What the embedded store holds against its byte budget. */
export interface MemoryUsage {
  /** Bytes accounted to entries, versions and leases. */
  readonly bytes: number;
  /** The budget. */
  readonly maxBytes: number;
  /** Records evicted so far (entries, versions or leases). */
  readonly evictions: number;
  /** Entries kept, valid or not yet found stale. */
  readonly entries: number;
  /** Namespace and tag versions kept. */
  readonly versions: number;
}

// Measured overheads, rounded up (see the module comment).
const ENTRY_OVERHEAD = 560;
const TAG_OVERHEAD = 48;
const VERSION_OVERHEAD = 290;
const LEASE_OVERHEAD = 300;

const chars = (s: string) => 2 * s.length;

/** Bytes of an entry kept under `id`. */
export function entrySize(id: string, namespace: string, value: Uint8Array, tags: readonly string[]): number {
  let n = ENTRY_OVERHEAD + chars(id) + chars(namespace) + value.byteLength;
  for (const t of tags) n += TAG_OVERHEAD + chars(t);
  return n;
}

/** Bytes of a version kept under `key`. */
export function versionSize(key: string): number {
  return VERSION_OVERHEAD + chars(key);
}

/** Bytes of a lease kept under `id`. */
export function leaseSize(id: string, leaseId: Uint8Array): number {
  return LEASE_OVERHEAD + chars(id) + leaseId.byteLength;
}

