import type * as pb from "../../gen/taggedcache/v1/tagged_cache_pb.js";
import type { Permission } from "./tokens-file.js";

const READ: readonly Permission[] = ["read"];
const WRITE: readonly Permission[] = ["write"];
// Taking a lease holds other callers back, so it needs "write" besides "read":
// a read-only token cannot stall the writers of a namespace.
const READ_AND_LEASE: readonly Permission[] = ["read", "write"];
const INVALIDATE: readonly Permission[] = ["invalidate"];
const ADMIN: readonly Permission[] = ["admin"];

/**
 * The permissions each RPC needs on the request's namespace. The lists are
 * shared constants, so a call allocates none. GetMany needs READ for every
 * message of its stream.
 */
export const PERMISSIONS = {
  Get: (r: pb.GetRequest) => (r.lease === undefined ? READ : READ_AND_LEASE),
  Set: () => WRITE,
  Release: () => WRITE,
  Delete: () => WRITE,
  Invalidate: () => INVALIDATE,
  InvalidateAll: () => ADMIN,
  GetMany: () => READ,
  Watch: () => READ,
} as const;
