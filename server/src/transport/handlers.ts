import type {
  sendUnaryData,
  ServerUnaryCall,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { TaggedCache } from "../core/tagged-cache.js";
import type * as pb from "../gen/taggedcache/v1/tagged_cache_pb.js";
import { isRefusal } from "./auth/authorizer.js";
import type { Permission } from "./auth/tokens-file.js";
import { failure, type HandlerContext } from "./context.js";
import { getManyHandler } from "./get-many.js";
import { getResponse } from "./responses.js";
import { Undecodable } from "./service-definition.js";
import { undecodableStatus } from "./status.js";

/** Limits of the transport itself. */
export interface TransportOptions {
  /** GetMany messages a stream may have unanswered before reading pauses. */
  readonly maxBatchesInFlight: number;
  /** GetMany keys a stream may have unanswered before reading pauses. */
  readonly maxKeysInFlight: number;
}

type Unary<Req, Res> = (call: ServerUnaryCall<Req | Undecodable, Res>, done: sendUnaryData<Res>) => void;

// Handlers only translate: decode, authorize, call the core, encode. One
// wrapper does it for every unary RPC. Authorization sits here rather than in
// a grpc-js interceptor because it needs the decoded request's namespace,
// and so that GetMany can check each message in its place in the stream.
function unary<Req extends { namespace: string }, Res>(
  rpc: string,
  permission: Permission,
  ctx: HandlerContext,
  run: (req: Req) => Promise<Res>,
): Unary<Req, Res> {
  return async (call, done) => {
    const caller = ctx.auth.identify(call.metadata);
    if (isRefusal(caller)) return done(caller);
    const req = call.request;
    if (req instanceof Undecodable) return done(undecodableStatus(req));
    const denied = ctx.auth.check(caller, req.namespace, permission);
    if (denied !== undefined) return done(denied);
    try {
      done(null, await run(req));
    } catch (err) {
      done(failure(ctx, err, rpc));
    }
  };
}

/** The TaggedCache service implementation over a cache. */
export function handlers(
  cache: TaggedCache,
  ctx: HandlerContext,
  options: TransportOptions,
): UntypedServiceImplementation {
  const { metrics } = ctx;
  return {
    Get: unary<pb.GetRequest, pb.GetResponse>("Get", "read", ctx, async (r) => {
      const hit = await cache.get(r.namespace, r.key, r.tags);
      metrics.recordLookups(r.namespace, hit === undefined ? 0 : 1, 1);
      return getResponse(hit);
    }),
    Set: unary<pb.SetRequest, pb.SetResponse>("Set", "write", ctx, async (r) => {
      await cache.set(r.namespace, r.key, r.value, r.tags, r.lifetimeMs);
      return { $typeName: "taggedcache.v1.SetResponse", stored: true };
    }),
    Delete: unary<pb.DeleteRequest, pb.DeleteResponse>("Delete", "write", ctx, async (r) => ({
      $typeName: "taggedcache.v1.DeleteResponse",
      deleted: await cache.delete(r.namespace, r.key),
    })),
    Invalidate: unary<pb.InvalidateRequest, pb.InvalidateResponse>("Invalidate", "invalidate", ctx, async (r) => {
      await cache.invalidate(r.namespace, r.tags);
      metrics.recordInvalidation(r.namespace, "tags");
      return { $typeName: "taggedcache.v1.InvalidateResponse" };
    }),
    InvalidateAll: unary<pb.InvalidateAllRequest, pb.InvalidateAllResponse>("InvalidateAll", "admin", ctx, async (r) => {
      await cache.invalidateAll(r.namespace);
      metrics.recordInvalidation(r.namespace, "all");
      return { $typeName: "taggedcache.v1.InvalidateAllResponse" };
    }),
    GetMany: getManyHandler(cache, ctx, options),
  };
}
