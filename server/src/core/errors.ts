/**
 * The server's errors, in one place. CacheErrors are what calls fail with:
 * the transport maps `code` to a wire status; `cause` is kept for logs and
 * never shown to callers. StartupErrors stop the server from starting: main
 * prints the message and exits with status 2.
 */
export type CacheErrorCode =
  | "invalid_argument"
  | "unavailable"
  | "resource_exhausted"
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

/** A GetMany reply would hold more bytes of values than the server sends in one. */
export class ReplyTooLargeError extends CacheError {
  constructor(field: string, maxBytes: number) {
    super(
      "resource_exhausted",
      `${field}: the values found take more than ${maxBytes} bytes, the most one reply may hold (MAX_REPLY_BYTES); ask for fewer keys per message`,
    );
    this.name = "ReplyTooLargeError";
  }
}

/** The caller has gone (cancelled, past its deadline, disconnected): work for it stopped. Never sent. */
export class CallGoneError extends CacheError {
  constructor() {
    super("unavailable", "the call has gone; its work stopped");
    this.name = "CallGoneError";
  }
}

/** The store refused the write for lack of memory. */
export class StoreFullError extends CacheError {
  constructor(message: string, cause?: unknown) {
    super("resource_exhausted", message, { cause });
    this.name = "StoreFullError";
  }
}

/** A setting the server cannot start with; its message names the setting. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A flag or variable has a value that cannot be used. */
export class ConfigError extends StartupError {}

/** The tokens file cannot be read or breaks a rule. */
export class TokensFileError extends StartupError {}

/** TLS settings that cannot work together, or files that cannot be read. */
export class TlsConfigError extends StartupError {}

/** The server cannot listen on the address it was given (in use, not ours). */
export class ListenError extends StartupError {}
