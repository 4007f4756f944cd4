import { create } from "@bufbuild/protobuf";
import { status, type ServerDuplexStream } from "@grpc/grpc-js";
import { CacheError } from "../core/errors.js";
import { checkNamespace } from "../core/validate.js";
import type { WatchSubscriber } from "../core/watch-subscriber.js";
import {
  WatchEventKind,
  WatchResponseSchema,
  type WatchResponse,
  type WatchRequest,
} from "../gen/taggedcache/v1/tagged_cache_pb.js";
import { isRefusal } from "./auth/authorizer.js";
import { PERMISSIONS } from "./auth/permissions.js";
import type { HandlerContext } from "./context.js";
import { Undecodable } from "./service-definition.js";
import { failure, undecodableStatus, type CallStatus } from "./status.js";
import { encodeChange } from "./watch-codec.js";

// Change events are written already encoded (watch-codec.ts).
type Call = ServerDuplexStream<WatchRequest | Undecodable, WatchResponse | Buffer>;

// A limit reached is the caller's doing, not the store's: not counted as a store error.
function refusal(err: unknown, ctx: HandlerContext): CallStatus {
  if (err instanceof CacheError && err.code === "resource_exhausted") return { code: status.RESOURCE_EXHAUSTED, details: err.message };
  return failure(err, "Watch", ctx.log, ctx.metrics);
}

/**
 * The Watch stream: subscriptions (each namespace authorized for "read"),
 * acknowledgements and heartbeats in; changes and heartbeat answers out, in
 * the order the server produced them. Without `ctx.watch` the near-cache is
 * off on this server, and Watch answers FAILED_PRECONDITION.
 */
export function watchHandler(ctx: HandlerContext) {
  return (call: Call): void => {
    let failed = false;
    const fail = (s: CallStatus) => {
      if (failed) return;
      failed = true;
      call.emit("error", s);
    };
    if (ctx.watch === undefined) {
      return fail({ code: status.FAILED_PRECONDITION, details: "the near-cache is off on this server (NEAR_CACHE)" });
    }
    const { hub, limits } = ctx.watch;
    const caller = ctx.auth.identify(call.metadata);
    if (isRefusal(caller)) return fail(caller);
    let sub: WatchSubscriber;
    try {
      sub = hub.subscribe(call.getPeer(), {
        sendChange: (seq, change) => void call.write(encodeChange(seq, change)),
        sendHeartbeat: (id, leaseMs) =>
          void call.write(create(WatchResponseSchema, { kind: WatchEventKind.HEARTBEAT, heartbeatId: id, leaseMs: BigInt(leaseMs) })),
        end: (reason, code) => fail({ code: code === "unavailable" ? status.UNAVAILABLE : status.RESOURCE_EXHAUSTED, details: reason }),
      });
    } catch (err) {
      return fail(refusal(err, ctx));
    }
    ctx.inFlight.streams++;
    let done = false;
    const finish = (clean: boolean) => {
      if (done) return;
      done = true;
      ctx.inFlight.streams--;
      if (clean) sub.closedCleanly();
      else sub.disconnected();
    };
    call.on("data", (req: WatchRequest | Undecodable) => {
      if (done) return;
      if (req instanceof Undecodable) return (finish(false), fail(undecodableStatus(req)));
      try {
        const namespaces = req.subscribe.map((ns) => checkNamespace(limits, ns));
        for (const ns of namespaces) {
          const denied = ctx.auth.authorize(caller, ns, PERMISSIONS.Watch());
          if (denied !== undefined) return (finish(false), fail(denied));
        }
        sub.watch(namespaces);
      } catch (err) {
        finish(false);
        return fail(refusal(err, ctx));
      }
      if (req.ackSeq > 0n) sub.ack(Number(req.ackSeq));
      if (req.heartbeatId > 0n) sub.heartbeat(req.heartbeatId);
    });
    // The client half-closes only after emptying its near-cache.
    call.on("end", () => {
      finish(true);
      call.end();
    });
    call.on("cancelled", () => finish(false));
    call.on("error", () => finish(false));
  };
}
