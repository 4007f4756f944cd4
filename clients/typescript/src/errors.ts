import { status, type ServiceError } from "@grpc/grpc-js";

export { status };

/**
 * A failed call: `code` is the gRPC status (compare with `status`, which this
 * package re-exports from grpc-js), `details` the server's message. Calls
 * reject with the subclass named for the code when there is one (for example
 * `UnavailableError`), so both `instanceof` and `err.code` work.
 */
export class TaggedCacheError extends Error {
  /** The gRPC status code of the failure. */
  readonly code: status;
  /** The server's (or grpc-js's) message, without the status name. */
  readonly details: string;

  /**
   * @param code - the gRPC status code
   * @param details - the message
   * @param options - `cause`: the underlying error
   */
  constructor(code: status, details: string, options?: { cause?: unknown }) {
    super(`${status[code] ?? code}: ${details}`, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  /** Wraps an error from grpc-js (or anything thrown) in the class for its code. */
  static from(err: unknown): TaggedCacheError {
    if (err instanceof TaggedCacheError) return err;
    const e = (err ?? {}) as Partial<ServiceError>;
    const code = typeof e.code === "number" ? e.code : status.UNKNOWN;
    const details = e.details ?? String(err);
    const Class = BY_CODE.get(code);
    return Class === undefined ? new TaggedCacheError(code, details, { cause: err }) : new Class(details, { cause: err });
  }
}

type Subclass = new (details: string, options?: { cause?: unknown }) => TaggedCacheError;

function subclass(code: status): Subclass {
  return class extends TaggedCacheError {
    constructor(details: string, options?: { cause?: unknown }) {
      super(code, details, options);
    }
  };
}

/** A request the server refused as invalid (`status.INVALID_ARGUMENT`); the details name the field and the limit. */
export class InvalidArgumentError extends subclass(status.INVALID_ARGUMENT) {}
/** The server or its Redis cannot serve now (`status.UNAVAILABLE`); retried by the client within the deadline. */
export class UnavailableError extends subclass(status.UNAVAILABLE) {}
/** The call's deadline passed (`status.DEADLINE_EXCEEDED`). */
export class DeadlineExceededError extends subclass(status.DEADLINE_EXCEEDED) {}
/** The call was cancelled, e.g. by its AbortSignal (`status.CANCELLED`); `cause` is the signal's reason. */
export class CancelledError extends subclass(status.CANCELLED) {}
/** No valid token was presented (`status.UNAUTHENTICATED`). */
export class UnauthenticatedError extends subclass(status.UNAUTHENTICATED) {}
/** The token lacks a permission or namespace (`status.PERMISSION_DENIED`). */
export class PermissionDeniedError extends subclass(status.PERMISSION_DENIED) {}
/** A limit of the server was reached (`status.RESOURCE_EXHAUSTED`). */
export class ResourceExhaustedError extends subclass(status.RESOURCE_EXHAUSTED) {}

const BY_CODE = new Map<status, Subclass>([
  [status.INVALID_ARGUMENT, InvalidArgumentError],
  [status.UNAVAILABLE, UnavailableError],
  [status.DEADLINE_EXCEEDED, DeadlineExceededError],
  [status.CANCELLED, CancelledError],
  [status.UNAUTHENTICATED, UnauthenticatedError],
  [status.PERMISSION_DENIED, PermissionDeniedError],
  [status.RESOURCE_EXHAUSTED, ResourceExhaustedError],
]);
