import { status, type ServiceError } from "@grpc/grpc-js";

/** A call failed; `code` is the gRPC status code, `details` the server's message. */
export class TaggedCacheError extends Error {
  readonly code: status;
  readonly details: string;

  constructor(code: status, details: string, options?: { cause?: unknown }) {
    super(`${status[code] ?? code}: ${details}`, options);
    this.name = "TaggedCacheError";
    this.code = code;
    this.details = details;
  }

  /** Wraps an error from grpc-js. */
  static from(err: unknown): TaggedCacheError {
    if (err instanceof TaggedCacheError) return err;
    const e = err as Partial<ServiceError>;
    return new TaggedCacheError(e.code ?? status.UNKNOWN, e.details ?? String(err), { cause: err });
  }
}
