import type { ServerUnaryCall } from "@grpc/grpc-js";

/**
 * An AbortSignal that aborts once the call's caller has gone: grpc-js
 * reports a client's cancel, a passed deadline and a closed connection alike
 * as the call's "cancelled" event. The core waits on it without knowing gRPC.
 */
export function callSignal(call: ServerUnaryCall<unknown, unknown>): AbortSignal {
  const controller = new AbortController();
  if (call.cancelled) controller.abort();
  else call.once("cancelled", () => controller.abort());
  return controller.signal;
}
