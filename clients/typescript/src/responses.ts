import type { GetResponse } from "./gen/taggedcache/v1/tagged_cache_pb.js";
import { toMsBigInt } from "./duration.js";
import type { Entry, LeaseOption, ReadResult } from "./types.js";

/** The entry of a Get reply; undefined on a miss. */
export function toEntry(r: GetResponse): Entry | undefined {
  if (!r.hit) return undefined;
  const ttlMs = r.ttlMs === undefined ? undefined : Number(r.ttlMs);
  return r.stale ? { value: r.value, tags: r.tags, ttlMs, staleMs: Number(r.staleMs ?? 0n) } : { value: r.value, tags: r.tags, ttlMs };
}

const nonEmpty = (b: Uint8Array): Uint8Array | undefined => (b.length > 0 ? b : undefined);

/** The whole outcome of a Get reply. */
export function toReadResult(r: GetResponse): ReadResult {
  return {
    entry: toEntry(r),
    versionToken: nonEmpty(r.versionToken),
    leaseToken: nonEmpty(r.leaseToken),
    leaseLifetimeMs: r.leaseLifetimeMs === undefined ? undefined : Number(r.leaseLifetimeMs),
    waited: r.waited,
  };
}

/** The lease field of a GetRequest; undefined when no lease is asked for. */
export function leaseRequest(lease: LeaseOption | undefined) {
  if (lease === undefined || lease === false) return undefined;
  const o = lease === true ? {} : lease;
  return { lifetimeMs: toMsBigInt(o.lifetimeMs, "lease.lifetimeMs"), waitMs: toMsBigInt(o.waitMs, "lease.waitMs") };
}
