import { Metadata } from "@grpc/grpc-js";
import { timeoutMs, type Duration } from "./duration.js";

/** Options every method of the client takes, for that one call. */
export interface CallOptions {
  /**
   * How long the call may take, retries included, in ms or as a duration
   * ("2s"); default: the client's `timeoutMs`. 0: no deadline.
   */
  timeoutMs?: Duration;
  /** An absolute deadline (a Date or epoch ms); wins over `timeoutMs`. */
  deadline?: Date | number;
  /**
   * Cancels the call: the gRPC call is cancelled (the server stops working
   * on it) and the Promise rejects with a CancelledError whose `cause` is
   * the signal's reason.
   */
  signal?: AbortSignal;
  /** Metadata sent with the call, besides the client's token. */
  metadata?: Metadata | Record<string, string | readonly string[]>;
  /** @deprecated the same as `timeoutMs`, kept for existing callers. */
  deadlineMs?: number;
}

/**
 * The epoch-ms deadline of a call: its `deadline`, else now plus its
 * timeout (or the client's `defaultMs`); Infinity when there is none.
 */
export function deadlineOf(o: CallOptions, defaultMs: number): number {
  if (o.deadline !== undefined) return o.deadline instanceof Date ? o.deadline.getTime() : o.deadline;
  const ms = timeoutMs(o.timeoutMs ?? o.deadlineMs, "timeoutMs") ?? defaultMs;
  return ms > 0 ? Date.now() + ms : Infinity;
}

/** The metadata of a call: the token's authorization, then the call's own entries. */
export function callMetadata(token: string | undefined, extra: CallOptions["metadata"]): Metadata {
  const md = extra instanceof Metadata ? extra.clone() : new Metadata();
  if (extra !== undefined && !(extra instanceof Metadata)) {
    for (const [k, v] of Object.entries(extra)) for (const item of typeof v === "string" ? [v] : v) md.add(k, item);
  }
  if (token !== undefined) md.set("authorization", `Bearer ${token}`);
  return md;
}
