import type {
  sendUnaryData,
  ServerUnaryCall,
  UntypedServiceImplementation,
} from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { TaggedCache } from "../core/tagged-cache.js";
import type * as pb from "../gen/taggedcache/v1/tagged_cache_pb.js";
import { getManyHandler } from "./get-many.js";
import type { InFlight } from "./in-flight.js";
import { getResponse } from "./responses.js";
import { Undecodable } from "./service-definition.js";
import { toStatus, undecodableStatus } from "./status.js";

/** Limits of the transport itself. */
export interface TransportOptions {
  /** GetMany messages a stream may have unanswered before reading pauses. */
  readonly maxBatchesInFlight: number;
}

type Unary<Req, Res> = (call: ServerUnaryCall<Req | Undecodable, Res>, done: sendUnaryData<Res>) => void;

// Handlers only translate: decode, call the core, encode. One wrapper turns
// errors into statuses for every unary RPC.
function unary<Req, Res>(
  rpc: string,
  log: Logger,
  inFlight: InFlight,
  run: (req: Req) => Promise<Res>,
): Unary<Req, Res> {
  return async (call, done) => {
    const req = call.request;
    if (req instanceof Undecodable) return done(undecodableStatus(req));
    try {
      done(null, await inFlight.track("calls", () => run(req)));
    } catch (err) {
      done(toStatus(err, log, rpc));
    }
  };
}

/** The TaggedCache service implementation over a cache. */
export function handlers(
  cache: TaggedCache,
  log: Logger,
  options: TransportOptions,
  inFlight: InFlight,
): UntypedServiceImplementation {
  return {
    Get: unary<pb.GetRequest, pb.GetResponse>("Get", log, inFlight, async (r) =>
      getResponse(await cache.get(r.namespace, r.key, r.tags)),
    ),
    Set: unary<pb.SetRequest, pb.SetResponse>("Set", log, inFlight, async (r) => {
      await cache.set(r.namespace, r.key, r.value, r.tags, r.lifetimeMs);
      return { $typeName: "taggedcache.v1.SetResponse", stored: true };
    }),
    Delete: unary<pb.DeleteRequest, pb.DeleteResponse>("Delete", log, inFlight, async (r) => ({
      $typeName: "taggedcache.v1.DeleteResponse",
      deleted: await cache.delete(r.namespace, r.key),
    })),
    Invalidate: unary<pb.InvalidateRequest, pb.InvalidateResponse>("Invalidate", log, inFlight, async (r) => {
      await cache.invalidate(r.namespace, r.tags);
      return { $typeName: "taggedcache.v1.InvalidateResponse" };
    }),
    InvalidateAll: unary<pb.InvalidateAllRequest, pb.InvalidateAllResponse>("InvalidateAll", log, inFlight, async (r) => {
      await cache.invalidateAll(r.namespace);
      return { $typeName: "taggedcache.v1.InvalidateAllResponse" };
    }),
    GetMany: getManyHandler(cache, log, options.maxBatchesInFlight, inFlight),
  };
}
