import { status, type StatusObject } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { CacheError, type CacheErrorCode } from "../core/errors.js";
import type { Metrics } from "../observability/metrics.js";
import type { Undecodable } from "./service-definition.js";

const CODES: Record<CacheErrorCode, status> = {
  invalid_argument: status.INVALID_ARGUMENT,
  unavailable: status.UNAVAILABLE,
  resource_exhausted: status.RESOURCE_EXHAUSTED,
  internal: status.INTERNAL,
};

/** The status a caller sees, without metadata. Every one the server sends is built here. */
export type CallStatus = Pick<StatusObject, "code" | "details">;

/**
 * The one place errors become gRPC statuses. CacheErrors keep their message,
 * and those not caused by the request are counted as store errors; anything
 * else is a bug of ours: it is logged with its cause and the caller gets a
 * bare INTERNAL.
 */
export function failure(err: unknown, rpc: string, log: Logger, metrics: Metrics): CallStatus {
  if (err instanceof CacheError) {
    if (err.code !== "invalid_argument") metrics.recordStoreError(err.code);
    // Unavailability is logged once per outage by the store's state changes.
    if (err.code === "internal") log.error({ rpc, err, cause: err.cause }, err.message);
    return { code: CODES[err.code], details: err.message };
  }
  log.error({ rpc, err }, "unexpected error");
  return { code: status.INTERNAL, details: "internal error" };
}

/** The status for a request body that is not a valid message. */
export function undecodableStatus(req: Undecodable): CallStatus {
  return { code: status.INVALID_ARGUMENT, details: `request: not a valid message (${req.reason})` };
}

/** A caller without a usable token; `why` says what was wrong with it. */
export function unauthenticated(why: string): CallStatus {
  return { code: status.UNAUTHENTICATED, details: why };
}

/** A known caller whose token does not allow `permission` on `namespace`. */
export function permissionDenied(tokenId: string, permission: string, namespace: string): CallStatus {
  return {
    code: status.PERMISSION_DENIED,
    details: `token "${tokenId}" lacks the "${permission}" permission on namespace "${namespace}"`,
  };
}

/** What calls left open by a drain (health watches) end with. */
export const SHUTTING_DOWN: CallStatus = Object.freeze({ code: status.UNAVAILABLE, details: "the server is shutting down" });
