import type {
  sendUnaryData,
  ServerUnaryCall,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { TaggedCache } from "../core/tagged-cache.js";
import type * as pb from "../gen/taggedcache/v1/tagged_cache_pb.js";
import { SetRefusal } from "../gen/taggedcache/v1/tagged_cache_pb.js";
import { getManyHandler } from "./get-many.js";
import { getResponse, leasedResponse } from "./responses.js";
import { Undecodable } from "./service-definition.js";
import { toStatus, undecodableStatus } from "./status.js";

/** Limits of the transport itself. */
export interface TransportOptions {
  /** GetMany messages a stream may have unanswered before reading pauses. */
  readonly maxBatchesInFlight: number;
}

type Unary<Req, Res> = (call: ServerUnaryCall<Req | Undecodable, Res>, done: sendUnaryData<Res>) => void;
type Call = ServerUnaryCall<unknown, unknown>;

// Handlers only translate: decode, call the core, encode. One wrapper turns
// errors into statuses for every unary RPC.
function unary<Req, Res>(
  rpc: string,
  log: Logger,
  run: (req: Req, call: Call) => Promise<Res>,
): Unary<Req, Res> {
  return async (call, done) => {
    const req = call.request;
    if (req instanceof Undecodable) return done(undecodableStatus(req));
    try {
      done(null, await run(req, call as Call));
    } catch (err) {
      done(toStatus(err, log, rpc));
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
  log: Logger,
  options: TransportOptions,
): UntypedServiceImplementation {
  return {
    Get: unary<pb.GetRequest, pb.GetResponse>("Get", log, async (r, call) =>
      r.lease === undefined
        ? getResponse(await cache.get(r.namespace, r.key, r.tags))
        : leasedResponse(await cache.getLeased(r.namespace, r.key, r.tags, r.lease, deadlineOf(call))),
    ),
    Set: unary<pb.SetRequest, pb.SetResponse>("Set", log, async (r) => {
      if (r.versionToken.length === 0 && r.leaseToken.length === 0) {
        await cache.set(r.namespace, r.key, r.value, r.tags, r.lifetimeMs);
        return STORED;
      }
      return (await cache.setGuarded(r.namespace, r.key, r.value, r.tags, r.lifetimeMs, r)) ? STORED : REFUSED;
    }),
    Release: unary<pb.ReleaseRequest, pb.ReleaseResponse>("Release", log, async (r) => ({
      $typeName: "taggedcache.v1.ReleaseResponse",
      released: await cache.release(r.namespace, r.key, r.leaseToken),
    })),
    Delete: unary<pb.DeleteRequest, pb.DeleteResponse>("Delete", log, async (r) => ({
      $typeName: "taggedcache.v1.DeleteResponse",
      deleted: await cache.delete(r.namespace, r.key),
    })),
    Invalidate: unary<pb.InvalidateRequest, pb.InvalidateResponse>("Invalidate", log, async (r) => {
      await cache.invalidate(r.namespace, r.tags);
      return { $typeName: "taggedcache.v1.InvalidateResponse" };
    }),
    InvalidateAll: unary<pb.InvalidateAllRequest, pb.InvalidateAllResponse>("InvalidateAll", log, async (r) => {
      await cache.invalidateAll(r.namespace);
      return { $typeName: "taggedcache.v1.InvalidateAllResponse" };
    }),
    GetMany: getManyHandler(cache, log, options.maxBatchesInFlight),
  };
}
