import type {
  sendUnaryData,
  ServerUnaryCall,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { TaggedCache } from "../core/tagged-cache.js";
import type * as pb from "../gen/taggedcache/v1/tagged_cache_pb.js";
import { SetRefusal } from "../gen/taggedcache/v1/tagged_cache_pb.js";
import { isRefusal } from "./auth/authorizer.js";
import { PERMISSIONS } from "./auth/permissions.js";
import type { Permission } from "./auth/tokens-file.js";
import { callSignal } from "./call-signal.js";
import type { HandlerContext, TransportOptions } from "./context.js";
import { getManyHandler } from "./get-many.js";
import { getResponse, leasedResponse } from "./responses.js";
import { Undecodable } from "./service-definition.js";
import { failure, undecodableStatus } from "./status.js";
import { watchHandler } from "./watch.js";

type Unary<Req, Res> = (call: ServerUnaryCall<Req | Undecodable, Res>, done: sendUnaryData<Res>) => void;
type Call = ServerUnaryCall<unknown, unknown>;

// Handlers only translate: decode, authorize, call the core, encode. One
// wrapper does it for every unary RPC. Authorization sits here rather than in
// a grpc-js interceptor because it needs the decoded request's namespace,
// and so that GetMany can check each message in its place in the stream.
function unary<Req extends { namespace: string }, Res>(
  rpc: string,
  permissions: (req: Req) => readonly Permission[],
  ctx: HandlerContext,
  run: (req: Req, call: Call) => Promise<Res>,
): Unary<Req, Res> {
  return async (call, done) => {
    const caller = ctx.auth.identify(call.metadata);
    if (isRefusal(caller)) return done(caller);
    const req = call.request;
    if (req instanceof Undecodable) return done(undecodableStatus(req));
    const denied = ctx.auth.authorize(caller, req.namespace, permissions(req));
    if (denied !== undefined) return done(denied);
    ctx.inFlight.calls++;
    try {
      done(null, await run(req, call as Call));
    } catch (err) {
      done(failure(err, rpc, ctx.log, ctx.metrics));
    } finally {
      ctx.inFlight.calls--;
    }
  };
}

const STORED: pb.SetResponse = { $typeName: "taggedcache.v1.SetResponse", stored: true, refusal: SetRefusal.UNSPECIFIED };
const REFUSED: pb.SetResponse = { $typeName: "taggedcache.v1.SetResponse", stored: false, refusal: SetRefusal.VERSION_CHANGED };

// The call's deadline in epoch ms; Infinity when it has none.
function deadlineOf(call: Call): number {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(ms) ? ms : Infinity;
}

/** The TaggedCache service implementation over a cache. */
export function handlers(
  cache: TaggedCache,
  ctx: HandlerContext,
  options: TransportOptions,
): UntypedServiceImplementation {
  const { metrics } = ctx;
  return {
    Get: unary<pb.GetRequest, pb.GetResponse>("Get", PERMISSIONS.Get, ctx, async (r, call) => {
      if (r.lease !== undefined) {
        const leased = await cache.getLeased(r.namespace, r.key, r.tags, r.lease, deadlineOf(call), r.graceMs, callSignal(call));
        metrics.recordLeasedGet(r.namespace, leased);
        return leasedResponse(leased);
      }
      const response = getResponse(await cache.get(r.namespace, r.key, r.tags, r.graceMs));
      metrics.recordLookups(r.namespace, response.hit ? 1 : 0, 1, response.stale ? 1 : 0);
      return response;
    }),
    Set: unary<pb.SetRequest, pb.SetResponse>("Set", PERMISSIONS.Set, ctx, async (r) => {
      if (r.versionToken.length === 0 && r.leaseToken.length === 0) {
        await cache.set(r.namespace, r.key, r.value, r.tags, r.lifetimeMs, r.graceMs);
        return STORED;
      }
      return (await cache.setGuarded(r.namespace, r.key, r.value, r.tags, r.lifetimeMs, r, r.graceMs)) ? STORED : REFUSED;
    }),
    Release: unary<pb.ReleaseRequest, pb.ReleaseResponse>("Release", PERMISSIONS.Release, ctx, async (r) => ({
      $typeName: "taggedcache.v1.ReleaseResponse",
      released: await cache.release(r.namespace, r.key, r.leaseToken),
    })),
    Delete: unary<pb.DeleteRequest, pb.DeleteResponse>("Delete", PERMISSIONS.Delete, ctx, async (r) => ({
      $typeName: "taggedcache.v1.DeleteResponse",
      deleted: await cache.delete(r.namespace, r.key),
    })),
    Invalidate: unary<pb.InvalidateRequest, pb.InvalidateResponse>("Invalidate", PERMISSIONS.Invalidate, ctx, async (r) => {
      await cache.invalidate(r.namespace, r.tags);
      metrics.recordInvalidation(r.namespace, "tags");
      return { $typeName: "taggedcache.v1.InvalidateResponse" };
    }),
    InvalidateAll: unary<pb.InvalidateAllRequest, pb.InvalidateAllResponse>("InvalidateAll", PERMISSIONS.InvalidateAll, ctx, async (r) => {
      await cache.invalidateAll(r.namespace);
      metrics.recordInvalidation(r.namespace, "all");
      return { $typeName: "taggedcache.v1.InvalidateAllResponse" };
    }),
    GetMany: getManyHandler(cache, ctx, options),
    Watch: watchHandler(ctx),
  };
}
