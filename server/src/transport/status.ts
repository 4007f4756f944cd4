import { status, type StatusObject } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { CacheError, type CacheErrorCode } from "../core/errors.js";
import type { Undecodable } from "./service-definition.js";

const CODES: Record<CacheErrorCode, status> = {
  invalid_argument: status.INVALID_ARGUMENT,
  unavailable: status.UNAVAILABLE,
  resource_exhausted: status.RESOURCE_EXHAUSTED,
  failed_precondition: status.FAILED_PRECONDITION,
  internal: status.INTERNAL,
};

/** The status a caller sees, without metadata. */
export type CallStatus = Pick<StatusObject, "code" | "details">;

/**
 * The one place errors become gRPC statuses. CacheErrors keep their message;
 * anything else is a bug of ours: it is logged with its cause and the caller
 * gets a bare INTERNAL.
 */
export function toStatus(err: unknown, log: Logger, rpc: string): CallStatus {
  if (err instanceof CacheError) {
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
