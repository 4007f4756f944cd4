import { create } from "@bufbuild/protobuf";
import { Server, ServerCredentials, type UntypedServiceImplementation } from "@grpc/grpc-js";
import {
  GetResponseSchema,
  SetResponseSchema,
  TaggedCache as TaggedCacheService,
  type GetResponse,
  type SetResponse,
} from "../../server/src/gen/taggedcache/v1/tagged_cache_pb.js";
import { serviceDefinition } from "../../server/src/transport/service-definition.js";
import { tagsOf, VALUE } from "./data.js";

// The reply a Get hit of a benchmark entry gets from the real server: same
// value, same tags, a lifetime: so the no-op encodes the same bytes.
const GET_HIT: GetResponse = create(GetResponseSchema, { hit: true, value: VALUE, tags: tagsOf(1), ttlMs: 3_599_000n });
const SET_DONE: SetResponse = create(SetResponseSchema, { stored: true });

// Unary handlers that answer at once with a canned reply, touching no store:
// the floor a real handler is compared with.
const handlers: UntypedServiceImplementation = {
  Get: (_call: unknown, done: (e: null, r: GetResponse) => void) => done(null, GET_HIT),
  Set: (_call: unknown, done: (e: null, r: SetResponse) => void) => done(null, SET_DONE),
};

/**
 * A bench-only server with the real server's grpc-js setup (same options,
 * same service definition and (de)serializers) and no-op Get and Set
 * handlers. Resolves with the bound port.
 */
export function startNoopServer(maxReceiveBytes: number): Promise<number> {
  const server = new Server({ "grpc.max_receive_message_length": maxReceiveBytes });
  server.addService(serviceDefinition(TaggedCacheService), handlers);
  return new Promise((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    );
  });
}
