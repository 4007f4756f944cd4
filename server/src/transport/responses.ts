import type { Hit } from "../core/store.js";
import type { GetResponse } from "../gen/taggedcache/v1/tagged_cache_pb.js";

// Replies are built as plain objects: protobuf-es v2 messages are plain
// objects, and this skips create()'s per-field initialisation on the hot path.

/** The one reply every miss shares. */
export const MISS: GetResponse = Object.freeze({
  $typeName: "taggedcache.v1.GetResponse",
  hit: false,
  value: new Uint8Array(0),
  tags: [],
  ttlMs: undefined,
}) as GetResponse;

/** The reply for a lookup result. */
export function getResponse(hit: Hit | undefined): GetResponse {
  if (hit === undefined) return MISS;
  return {
    $typeName: "taggedcache.v1.GetResponse",
    hit: true,
    value: hit.value,
    tags: hit.tags as string[],
    ttlMs: hit.ttlMs < 0 ? undefined : BigInt(hit.ttlMs),
  };
}
