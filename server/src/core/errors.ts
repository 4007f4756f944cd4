/**
 * The cache's one error hierarchy. The transport maps `code` to a wire status;
 * `cause` is kept for logs and never shown to callers.
 */
export type CacheErrorCode =
  | "invalid_argument"
  | "unavailable"
  | "resource_exhausted"
  | "failed_precondition"
  | "internal";

/** Base class of every error the cache core raises on purpose. */
export class CacheError extends Error {
  readonly code: CacheErrorCode;

  constructor(code: CacheErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CacheError";
    this.code = code;
  }
}

/** A request field breaks a rule; `field` is its wire name, e.g. `items[3].key`. */
export class InvalidArgumentError extends CacheError {
  readonly field: string;

  constructor(field: string, rule: string) {
    super("invalid_argument", `${field}: ${rule}`);
    this.name = "InvalidArgumentError";
    this.field = field;
  }
}

/** The store cannot be reached right now; the call may be retried. */
export class StoreUnavailableError extends CacheError {
  constructor(message: string, cause?: unknown) {
    super("unavailable", message, { cause });
    this.name = "StoreUnavailableError";
  }
}

/** The store refused the write for lack of memory. */
export class StoreFullError extends CacheError {
  constructor(message: string, cause?: unknown) {
    super("resource_exhausted", message, { cause });
    this.name = "StoreFullError";
  }
}
