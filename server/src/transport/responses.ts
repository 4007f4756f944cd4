import type { LeasedGet } from "../core/leases.js";
import type { Hit, LookupResult, Miss } from "../core/lookup.js";
import { encodeLeaseToken, encodeVersionToken } from "../core/version-token.js";
import type { GetResponse } from "../gen/taggedcache/v1/tagged_cache_pb.js";

// Replies are built as plain objects: protobuf-es v2 messages are plain
// objects, and this skips create()'s per-field initialisation on the hot path.

const EMPTY = new Uint8Array(0);

/** The one reply every miss without versions shares. */
export const MISS: GetResponse = Object.freeze({
  $typeName: "taggedcache.v1.GetResponse",
  hit: false,
  value: EMPTY,
  tags: [],
  ttlMs: undefined,
  versionToken: EMPTY,
  leaseToken: EMPTY,
  waited: false,
  leaseLifetimeMs: undefined,
  stale: false,
  staleMs: undefined,
}) as GetResponse;

function missResponse(m: Miss): GetResponse {
  return { ...MISS, versionToken: encodeVersionToken(m.versions) };
}

/** The reply for a lookup result; a miss carries its version token. */
export function getResponse(r: LookupResult): GetResponse {
  if (r === undefined) return MISS;
  return r.hit ? hitResponse(r) : missResponse(r);
}

/** The reply for a Get that asked for a lease. */
export function leasedResponse(r: LeasedGet): GetResponse {
  if (r.hit !== undefined && r.leaseId !== undefined) {
    // A stale value, and the lease to refresh it.
    return { ...hitResponse(r.hit), leaseToken: encodeLeaseToken(r.leaseId, r.versions!), leaseLifetimeMs: BigInt(r.leaseMs) };
  }
  if (r.hit !== undefined) return r.waited ? { ...hitResponse(r.hit), waited: true } : hitResponse(r.hit);
  const versionToken = encodeVersionToken(r.versions!);
  if (r.leaseId === undefined) return { ...MISS, versionToken, waited: r.waited };
  return {
    ...MISS,
    versionToken,
    leaseToken: encodeLeaseToken(r.leaseId, r.versions!),
    waited: r.waited,
    leaseLifetimeMs: BigInt(r.leaseMs),
  };
}

function hitResponse(hit: Hit): GetResponse {
  return {
    $typeName: "taggedcache.v1.GetResponse",
    hit: true,
    value: hit.value,
    tags: hit.tags as string[],
    ttlMs: hit.ttlMs < 0 ? undefined : BigInt(hit.ttlMs),
    versionToken: EMPTY,
    leaseToken: EMPTY,
    waited: false,
    leaseLifetimeMs: undefined,
    stale: hit.staleMs !== undefined,
    staleMs: hit.staleMs === undefined ? undefined : BigInt(hit.staleMs),
  };
}
