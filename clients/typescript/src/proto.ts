/**
 * The generated protobuf-es code of the TaggedCache API: message schemas
 * (`GetRequestSchema`, ...), their types, and the `TaggedCache` service
 * descriptor, for building requests by hand or calling the server with
 * another gRPC library such as connect-es:
 *
 * ```ts
 * import { createClient } from "@connectrpc/connect";
 * import { createGrpcTransport } from "@connectrpc/connect-node";
 * import { TaggedCache } from "@taggedcache/client/proto";
 *
 * const cache = createClient(TaggedCache, createGrpcTransport({ baseUrl: "http://localhost:50051" }));
 * const reply = await cache.get({ key: "user:42" });
 * ```
 *
 * @module
 */
export * from "./gen/taggedcache/v1/tagged_cache_pb.js";
